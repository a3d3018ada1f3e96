#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

#include <sys/resource.h>

#include "tether/logging.hpp"

int main(int argc, char** argv) {
  // Tests open a thousand connections and more, two descriptors each; a
  // fresh machine's soft limit may be 1024 while the hard limit allows it.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0
      && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  // Keep test output to failures; connection lines would drown it.
  // TETHER_TEST_LOG=debug shows what tether logs while a test runs.
  auto* level = std::getenv("TETHER_TEST_LOG");
  tether::log::set_level(level ? spdlog::level::from_str(level)
                               : spdlog::level::warn);
  return Catch::Session().run(argc, argv);
}
