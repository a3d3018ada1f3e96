#include "common/cli.hpp"

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>

namespace tether::samples {

namespace {

std::optional<uint64_t> parse_unsigned(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  errno = 0;
  auto value = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE)
    return std::nullopt;
  return value;
}

template <class T>
std::function<std::string(const std::string&)>
unsigned_store(const std::string& name, T& target) {
  return [name, &target](const std::string& text) -> std::string {
    auto value = parse_unsigned(text);
    if (!value || *value > std::numeric_limits<T>::max())
      return "--" + name + " expects a whole number up to "
             + std::to_string(std::numeric_limits<T>::max()) + ", got '" + text
             + "'";
    target = static_cast<T>(*value);
    return {};
  };
}

std::string show(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0)
    return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(const std::string& s) {
  auto digits = s.find_first_not_of("0123456789");
  if (digits == std::string::npos)
    return std::nullopt; // a bare number is ambiguous: say ms, s or m
  auto number = parse_unsigned(s.substr(0, digits));
  if (!number)
    return std::nullopt;
  auto unit = s.substr(digits);
  uint64_t factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60 * 1000;
  else
    return std::nullopt;
  // Anything beyond a year is a typo, and it keeps the product in range.
  constexpr uint64_t max_ms = 366ull * 24 * 60 * 60 * 1000;
  if (*number > max_ms / factor)
    return std::nullopt;
  return std::chrono::milliseconds(*number * factor);
}

cli::cli(std::string program, std::string summary, std::string example)
    : program_(std::move(program)), summary_(std::move(summary)),
      example_(std::move(example)) {
  // nop
}

void cli::add_option(std::string name, std::string help, std::string current,
                     std::function<std::string(const std::string&)> store) {
  options_.push_back(option{std::move(name), std::move(help),
                            std::move(current), true, std::move(store)});
}

void cli::add(std::string name, std::string help, std::string& target) {
  add_option(name, std::move(help), target, [&target](const std::string& text) {
    target = text;
    return std::string{};
  });
}

void cli::add(std::string name, std::string help, uint16_t& target) {
  add_option(name, std::move(help), std::to_string(target),
             unsigned_store(name, target));
}

void cli::add(std::string name, std::string help, unsigned& target) {
  add_option(name, std::move(help), std::to_string(target),
             unsigned_store(name, target));
}

void cli::add(std::string name, std::string help, std::size_t& target) {
  add_option(name, std::move(help), std::to_string(target),
             unsigned_store(name, target));
}

void cli::add(std::string name, std::string help,
              std::chrono::milliseconds& target) {
  add_option(name, std::move(help), show(target),
             [name, &target](const std::string& text) -> std::string {
               auto value = parse_duration(text);
               if (!value)
                 return "--" + name + " expects a duration with a unit, "
                        + "such as 500ms, 5s or 2m (up to a year), got '" + text
                        + "'";
               target = *value;
               return {};
             });
}

void cli::add_flag(std::string name, std::string help, bool& target) {
  options_.push_back(option{std::move(name),
                            std::move(help),
                            {},
                            false,
                            [&target](const std::string&) {
                              target = true;
                              return std::string{};
                            }});
}

const cli::option* cli::find(const std::string& name) const {
  for (auto& opt : options_)
    if (opt.name == name)
      return &opt;
  return nullptr;
}

std::optional<int> cli::parse(int argc, char** argv) {
  auto fail = [&](const std::string& message) {
    std::cerr << program_ << ": " << message << "\n\n" << usage();
    return std::optional<int>{2};
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage();
      return 0;
    }
    if (arg.rfind("--", 0) != 0)
      return fail("unexpected argument '" + arg + "'");
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? eq : eq - 2);
    auto opt = find(name);
    if (opt == nullptr)
      return fail("unknown option --" + name);
    std::string value;
    if (!opt->takes_value) {
      if (eq != std::string::npos)
        return fail("--" + name + " takes no value");
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return fail("--" + name + " needs a value");
    }
    if (auto error = opt->store(value); !error.empty())
      return fail(error);
  }
  return std::nullopt;
}

std::string cli::usage() const {
  std::ostringstream out;
  out << "usage: " << program_ << " [options]\n" << summary_ << "\n\n";
  out << "options:\n";
  for (auto& opt : options_) {
    auto head = "  --" + opt.name + (opt.takes_value ? " VALUE" : "");
    out << head;
    if (head.size() < 28)
      out << std::string(28 - head.size(), ' ');
    else
      out << "\n" << std::string(28, ' ');
    out << opt.help;
    if (!opt.current.empty())
      out << " (default: " << opt.current << ")";
    out << "\n";
  }
  out << "  --help                    show this text\n\n";
  out << "example: " << example_ << "\n";
  return out.str();
}

} // namespace tether::samples
