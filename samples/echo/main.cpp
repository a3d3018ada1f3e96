// tether-echo: a WebSocket echo server. Every connection is an actor under
// a connection supervisor; each text or binary message goes back to its
// sender unchanged.
//
//   tether-echo --port 8080
//   then connect any WebSocket client to ws://127.0.0.1:8080/
#include <iostream>
#include <stdexcept>
#include <system_error>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "common/app.hpp"
#include "common/cli.hpp"
#include "tether/tether.hpp"

namespace {

tether::handlers echo(tether::connection&) {
  tether::handlers h;
  h.on_text = [](tether::connection& c, std::string text) {
    c.send_text(std::move(text));
  };
  h.on_binary = [](tether::connection& c, std::vector<uint8_t> data) {
    c.send_binary(std::move(data));
  };
  return h;
}

} // namespace

int main(int argc, char** argv) {
  using namespace tether::samples;
  block_stop_signals();
  tether::server_config cfg;
  std::string log_level = "info";
  cli opts{"tether-echo", "A WebSocket echo server built on tether.",
           "tether-echo --port 8080 --ping-interval 5s --log-level debug"};
  add_server_options(opts, cfg);
  add_log_option(opts, log_level);
  if (auto code = opts.parse(argc, argv))
    return *code;
  if (!apply_log_level("tether-echo", log_level))
    return 2;
  caf::actor_system_config sys_cfg;
  tether::recommended_actor_config(sys_cfg);
  caf::actor_system sys{sys_cfg};
  tether::server srv{sys, cfg, echo};
  try {
    srv.start();
  } catch (const std::invalid_argument& e) {
    std::cerr << "tether-echo: " << e.what() << "\n";
    return 2;
  } catch (const std::system_error& e) {
    std::cerr << "tether-echo: " << e.what() << "\n";
    return 1;
  }
  std::cout << "*** tether-echo listening on " << srv.url() << std::endl;
  wait_for_stop_signal();
  std::cout << "*** tether-echo stopping" << std::endl;
  srv.stop();
  return 0;
}
