// hold: what many idle connections cost the server. A child process opens
// and holds the connections (raw TCP, upgraded, silent, answering nothing),
// so that client and server descriptors do not share one limit; the server
// side reports its memory per connection and its timer bookkeeping.
//
//   tether-bench-hold [connections=19000]
//
// Timers are long here (ping 5 min): the point is what holding costs, not
// detection. Needs a descriptor limit above the connection count.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"
#include "tether/tether.hpp"

namespace {

void raise_fd_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

// The child: reads the port, opens the connections, reports, then holds
// them until the parent closes the pipe.
[[noreturn]] void run_clients(int from_parent, int to_parent, int n) {
  uint16_t port = 0;
  if (read(from_parent, &port, sizeof(port)) != sizeof(port))
    _exit(1);
  boost::asio::io_context ioc;
  std::vector<boost::asio::ip::tcp::socket> sockets;
  sockets.reserve(n);
  int opened = 0;
  try {
    for (; opened < n; ++opened) {
      sockets.push_back(tether::test::raw_connect(ioc, port));
      tether::test::raw_upgrade(sockets.back(), port);
    }
  } catch (const std::exception& e) {
    std::cerr << "client: stopped at " << opened << ": " << e.what() << "\n";
  }
  if (write(to_parent, &opened, sizeof(opened)) != sizeof(opened))
    _exit(1);
  char byte;
  while (read(from_parent, &byte, 1) > 0) {
  }
  _exit(0);
}

} // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  int n = argc > 1 ? std::atoi(argv[1]) : 19000;
  raise_fd_limit();
  int down[2];
  int up[2];
  if (pipe(down) != 0 || pipe(up) != 0)
    return 1;
  // Fork before any thread exists.
  auto child = fork();
  if (child == 0) {
    close(down[1]);
    close(up[0]);
    run_clients(down[0], up[1], n);
  }
  close(down[0]);
  close(up[1]);
  tether::log::set_level(spdlog::level::warn);
  caf::actor_system_config sys_cfg;
  tether::recommended_actor_config(sys_cfg);
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = 0;
  cfg.connection.ping_interval = 5min;
  tether::server srv{sys, cfg, tether::test::scripted_echo};
  srv.start();
  auto baseline = tether::test::rss_kib();
  auto port = srv.port();
  if (write(down[1], &port, sizeof(port)) != sizeof(port))
    return 1;
  int opened = 0;
  if (read(up[0], &opened, sizeof(opened)) != sizeof(opened))
    return 1;
  tether::test::eventually(
      [&] { return srv.counts().live == static_cast<uint64_t>(opened); }, 30s);
  std::this_thread::sleep_for(1s);
  auto held = tether::test::rss_kib();
  auto live = srv.counts().live;
  auto entries = tether::test::timer_entries(sys);
  close(down[1]); // the child drops every connection
  waitpid(child, nullptr, 0);
  tether::test::eventually([&] { return srv.counts().live == 0; }, 60s);
  std::cout << "connections=" << opened << " live=" << live
            << " timer_entries=" << entries << " rss_baseline_kib=" << baseline
            << " rss_held_kib=" << held << " kib_per_connection="
            << (opened ? double(held - baseline) / opened : 0.0)
            << " live_after_close=" << srv.counts().live
            << " timer_entries_after_close=" << tether::test::timer_entries(sys)
            << " open_sockets_after_close=" << srv.open_sockets() << std::endl;
  srv.stop();
}
