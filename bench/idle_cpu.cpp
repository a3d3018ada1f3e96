// idle_cpu: how much CPU a tether server burns while its connections are
// open and silent. Prints one key=value line per configuration.
//
//   tether-bench-idle-cpu [connections=1000] [seconds=5]
//
// Client and server run in this process; the clients are idle too, so all
// CPU measured is the server's and the actor runtime's.
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

namespace {

struct variant {
  const char* name;
  void (*apply)(caf::actor_system_config&);
};

void measure(const variant& v, int connections, int seconds) {
  caf::actor_system_config sys_cfg;
  v.apply(sys_cfg);
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = 0;
  tether::server srv{sys, cfg, tether::test::scripted_echo};
  srv.start();
  boost::asio::io_context ioc;
  std::vector<std::unique_ptr<tether::test::ws_client>> clients;
  for (int i = 0; i < connections; ++i)
    clients.push_back(
        std::make_unique<tether::test::ws_client>(ioc, srv.port()));
  tether::test::eventually(
      [&] { return srv.counts().live == static_cast<uint64_t>(connections); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto before = tether::test::cpu_time();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  auto used = tether::test::cpu_time() - before;
  std::cout << "variant=" << v.name << " connections=" << connections
            << " seconds=" << seconds << " cpu_us=" << used.count()
            << " cpu_percent=" << (used.count() / 10000.0 / seconds)
            << " threads=" << tether::test::thread_count() << std::endl;
  for (auto& c : clients)
    c->reset();
  srv.stop();
}

} // namespace

int main(int argc, char** argv) {
  int connections = argc > 1 ? std::atoi(argv[1]) : 1000;
  int seconds = argc > 2 ? std::atoi(argv[2]) : 5;
  tether::log::set_level(spdlog::level::warn);
  const variant variants[] = {
      {"caf-default", [](caf::actor_system_config&) {}},
      {"stealing-relaxed-100ms",
       [](caf::actor_system_config& c) {
         c.set("work-stealing.relaxed-sleep-duration",
               caf::timespan{100'000'000});
       }},
      {"tether-recommended(sharing)", tether::recommended_actor_config},
  };
  for (auto& v : variants)
    measure(v, connections, seconds);
}
