// dead_peer: how long after a peer goes silent tether notices, for many
// dead peers at once, against the bound ping_interval + pong_timeout.
//
//   tether-bench-dead-peer [peers=1000] [ping_ms=1000] [pong_ms=1000]
//
// Each peer completes the upgrade over raw TCP and then never reads nor
// answers anything, as a crashed client behind a live NAT would. The delay
// of a peer is from its connection actor's start to its end.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "support/process_stats.hpp"
#include "support/ws_client.hpp"
#include "tether/tether.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct timeline {
  std::mutex mtx;
  std::unordered_map<tether::conn_id, clock_type::time_point> opened;
  std::vector<double> delays_ms;
};

} // namespace

int main(int argc, char** argv) {
  int peers = argc > 1 ? std::atoi(argv[1]) : 1000;
  auto ping = std::chrono::milliseconds(argc > 2 ? std::atoi(argv[2]) : 1000);
  auto pong = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 1000);
  tether::log::set_level(spdlog::level::warn);
  caf::actor_system_config sys_cfg;
  tether::recommended_actor_config(sys_cfg);
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = 0;
  cfg.connection.ping_interval = ping;
  cfg.connection.pong_timeout = pong;
  timeline tl;
  tether::server srv{
      sys, cfg, [&](tether::connection& c) {
        {
          std::lock_guard<std::mutex> guard{tl.mtx};
          tl.opened[c.id()] = clock_type::now();
        }
        tether::handlers h;
        h.on_end = [&](tether::connection& c, const tether::socket_end&) {
          auto now = clock_type::now();
          std::lock_guard<std::mutex> guard{tl.mtx};
          std::chrono::duration<double, std::milli> d = now - tl.opened[c.id()];
          tl.delays_ms.push_back(d.count());
        };
        return h;
      }};
  srv.start();
  boost::asio::io_context ioc;
  std::vector<boost::asio::ip::tcp::socket> sockets;
  sockets.reserve(peers);
  for (int i = 0; i < peers; ++i) {
    sockets.push_back(tether::test::raw_connect(ioc, srv.port()));
    tether::test::raw_upgrade(sockets.back(), srv.port());
  }
  auto bound = ping + pong;
  tether::test::eventually(
      [&] {
        std::lock_guard<std::mutex> guard{tl.mtx};
        return tl.delays_ms.size() == static_cast<size_t>(peers);
      },
      bound * 3 + std::chrono::seconds(10));
  auto counts = srv.counts();
  std::lock_guard<std::mutex> guard{tl.mtx};
  auto& d = tl.delays_ms;
  std::sort(d.begin(), d.end());
  auto mean =
      d.empty() ? 0.0 : std::accumulate(d.begin(), d.end(), 0.0) / d.size();
  std::cout << "peers=" << peers << " detected=" << d.size()
            << " heartbeat_timeouts="
            << counts.ended_with(tether::conn_exit::heartbeat_timeout)
            << " bound_ms=" << bound.count() << " mean_ms=" << mean
            << " p99_ms=" << (d.empty() ? 0.0 : d[d.size() * 99 / 100])
            << " worst_ms=" << (d.empty() ? 0.0 : d.back())
            << " worst_over_bound_ms="
            << (d.empty() ? 0.0 : d.back() - bound.count()) << std::endl;
  srv.stop();
}
