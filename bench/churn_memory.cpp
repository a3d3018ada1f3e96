// churn_memory: does memory return to its baseline when connections come
// and go while long timeouts are configured? With CAF 0.17's delayed_send
// a dead connection's actor would stay until its longest timer fired; the
// timer service holds connections weakly, so nothing should stay.
//
//   tether-bench-churn-memory [rounds=5] [connections=2000]
//
// Each round opens the connections (in this process), then drops half by
// TCP reset and closes half cleanly. After each round it prints the
// process's RSS, the actors alive, and the timer service's entries.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"
#include "tether/tether.hpp"

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  int connections = argc > 2 ? std::atoi(argv[2]) : 2000;
  tether::log::set_level(spdlog::level::warn);
  caf::actor_system_config sys_cfg;
  tether::recommended_actor_config(sys_cfg);
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = 0;
  cfg.connection.ping_interval = 5min;
  cfg.connection.pong_timeout = 1min;
  cfg.connection.idle_timeout = 1h;
  cfg.connection.write_timeout = 10min;
  cfg.connection.close_timeout = 1min;
  tether::server srv{sys, cfg, tether::test::scripted_echo};
  srv.start();
  auto report = [&](const std::string& when) {
    std::cout << "when=" << when << " rss_kib=" << tether::test::rss_kib()
              << " live=" << srv.counts().live
              << " actors=" << sys.registry().running()
              << " timer_entries=" << tether::test::timer_entries(sys)
              << std::endl;
  };
  report("baseline");
  boost::asio::io_context ioc;
  for (int round = 1; round <= rounds; ++round) {
    {
      std::vector<std::unique_ptr<tether::test::ws_client>> clients;
      for (int i = 0; i < connections; ++i)
        clients.push_back(
            std::make_unique<tether::test::ws_client>(ioc, srv.port()));
      tether::test::eventually([&] {
        return srv.counts().live == static_cast<uint64_t>(connections);
      });
      report("round" + std::to_string(round) + "-open");
      for (size_t i = 0; i < clients.size(); ++i) {
        if (i % 2 == 0)
          clients[i]->reset();
        else
          clients[i]->close(1000);
      }
    }
    tether::test::eventually([&] { return srv.counts().live == 0; });
    std::this_thread::sleep_for(200ms);
    report("round" + std::to_string(round) + "-closed");
  }
  srv.stop();
}
