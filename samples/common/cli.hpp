// A small command-line parser shared by the sample servers: `--name value`
// or `--name=value`, flags, durations such as 500ms, 5s or 2m, --help.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tether::samples {

/// Parses "250ms", "5s" or "2m" (0 allowed, at most a year). A number
/// without unit is refused: "5" could mean seconds or milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& s);

class cli {
public:
  cli(std::string program, std::string summary, std::string example);

  void add(std::string name, std::string help, std::string& target);
  void add(std::string name, std::string help, uint16_t& target);
  void add(std::string name, std::string help, unsigned& target);
  void add(std::string name, std::string help, std::size_t& target);
  void add(std::string name, std::string help,
           std::chrono::milliseconds& target);
  /// A flag without value; sets `target` to true.
  void add_flag(std::string name, std::string help, bool& target);

  /// Parses the arguments into the targets. Returns an exit code when the
  /// program should stop: 0 after --help (usage on stdout), 2 after a bad
  /// argument (the error and the usage on stderr).
  std::optional<int> parse(int argc, char** argv);

  std::string usage() const;

private:
  struct option {
    std::string name;
    std::string help;
    std::string current; // default shown in the usage text
    bool takes_value;
    // Stores a value; returns an error message or an empty string.
    std::function<std::string(const std::string&)> store;
  };

  void add_option(std::string name, std::string help, std::string current,
                  std::function<std::string(const std::string&)> store);
  const option* find(const std::string& name) const;

  std::string program_;
  std::string summary_;
  std::string example_;
  std::vector<option> options_;
};

} // namespace tether::samples
