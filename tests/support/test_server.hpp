// A tether server on 127.0.0.1 with a free port, on a real actor system,
// for integration tests.
#pragma once

#include <functional>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "tether/tether.hpp"

namespace tether::test {

/// The echo handler the integration tests share. It echoes text and binary;
/// "close <code> <reason>" makes the server close; "throw" throws;
/// "flood <n>" sends n binary messages of 64 KiB.
tether::handlers scripted_echo(tether::connection& conn);

/// `cfg` with tether's recommended settings, for a test's actor system:
/// `caf::actor_system sys{recommended(cfg)};`.
caf::actor_system_config& recommended(caf::actor_system_config& cfg);

/// Actors the timer service of `sys` tracks, asked synchronously.
uint64_t timer_entries(caf::actor_system& sys);

class test_server {
public:
  using tweak = std::function<void(server_config&)>;

  explicit test_server(handler_factory factory = scripted_echo,
                       const tweak& adjust = {});
  ~test_server();

  uint16_t port() const { return server_.port(); }
  tether::server& server() { return server_; }
  supervisor_counts counts() const { return server_.counts(); }

private:
  static server_config make_config(const tweak& adjust);
  static caf::actor_system_config& configure(caf::actor_system_config& c);

  caf::actor_system_config sys_cfg_;
  caf::actor_system sys_;
  tether::server server_;
};

} // namespace tether::test
