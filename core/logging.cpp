#include "tether/logging.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tether::log {

namespace {

std::shared_ptr<spdlog::logger> get_or_make(const char* name) {
  // spdlog's registry is thread-safe, but get-then-create is not atomic.
  static std::mutex mtx;
  std::lock_guard<std::mutex> guard{mtx};
  if (auto existing = spdlog::get(name))
    return existing;
  auto result = spdlog::stderr_color_mt(name);
  result->set_level(spdlog::level::info);
  return result;
}

} // namespace

spdlog::logger& net() {
  static auto instance = get_or_make("tether.net");
  return *instance;
}

spdlog::logger& actors() {
  static auto instance = get_or_make("tether.actors");
  return *instance;
}

spdlog::logger& conn() {
  static auto instance = get_or_make("tether.conn");
  return *instance;
}

void set_level(spdlog::level::level_enum level) {
  net().set_level(level);
  actors().set_level(level);
  conn().set_level(level);
}

} // namespace tether::log
