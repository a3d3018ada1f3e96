#include "support/process_stats.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <malloc.h>
#include <sys/resource.h>

namespace tether::test {

namespace {

std::size_t count_entries(const char* dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator(dir))
    ++n;
  return n;
}

} // namespace

std::size_t open_fds() {
  // The iterator's own descriptor is counted too, the same way every time.
  return count_entries("/proc/self/fd");
}

std::size_t settled_fds() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto last = open_fds();
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto now = open_fds();
    if (now == last)
      return now;
    last = now;
  }
  return last;
}

std::size_t thread_count() {
  return count_entries("/proc/self/task");
}

std::string thread_names() {
  std::string result;
  for (auto& entry : std::filesystem::directory_iterator{"/proc/self/task"}) {
    std::ifstream comm{entry.path() / "comm"};
    std::string name;
    std::getline(comm, name);
    result += name + " ";
  }
  return result;
}

long rss_kib() {
  std::ifstream status{"/proc/self/status"};
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long value = 0;
      status >> value;
      return value;
    }
    std::getline(status, key);
  }
  return -1;
}

std::size_t heap_in_use_bytes() {
  auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

std::chrono::microseconds cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto micros = [](const timeval& tv) {
    return std::chrono::seconds(tv.tv_sec)
           + std::chrono::microseconds(tv.tv_usec);
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

} // namespace tether::test
