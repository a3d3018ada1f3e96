#include "common/cli.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using tether::samples::cli;
using tether::samples::parse_duration;

TEST_CASE("durations need a unit and stay in range") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("5s") == 5000ms);
  CHECK(parse_duration("2m") == 120000ms);
  CHECK(parse_duration("0s") == 0ms);
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("5h"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("99999999999999999m"));
}

TEST_CASE("the parser stores values, flags and reports bad input") {
  std::string address = "127.0.0.1";
  uint16_t port = 1;
  bool flag = false;
  std::chrono::milliseconds timeout = 1s;
  cli opts{"prog", "summary", "prog --port 2"};
  opts.add("address", "where", address);
  opts.add("port", "which", port);
  opts.add_flag("flag", "a flag", flag);
  opts.add("timeout", "how long", timeout);
  auto parse = [&](std::vector<std::string> args) {
    std::vector<char*> argv{const_cast<char*>("prog")};
    for (auto& a : args)
      argv.push_back(a.data());
    return opts.parse(static_cast<int>(argv.size()), argv.data());
  };
  CHECK_FALSE(parse(
      {"--port", "9000", "--address=::1", "--flag", "--timeout", "250ms"}));
  CHECK(port == 9000);
  CHECK(address == "::1");
  CHECK(flag);
  CHECK(timeout == 250ms);
  CHECK(parse({"--port", "70000"}) == 2);
  CHECK(parse({"--nope"}) == 2);
  CHECK(parse({"--flag=yes"}) == 2);
  CHECK(parse({"--port"}) == 2);
  CHECK(parse({"--timeout", "5"}) == 2);
  CHECK(parse({"--help"}) == 0);
  CHECK(opts.usage().find("--timeout VALUE") != std::string::npos);
}
