// The smallest tether application: replies to every text message with
// "you said: <message>". Quoted in the README; built in CI both in-tree and
// against an installed tether (find_package).
#include <csignal>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <tether/tether.hpp>

int main() {
  // Ctrl-C and SIGTERM are taken by sigwait below; block them before any
  // thread starts so that every thread inherits the mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  caf::actor_system_config sys_cfg;
  tether::recommended_actor_config(sys_cfg);
  caf::actor_system sys{sys_cfg};

  tether::server_config cfg;
  cfg.port = 9001;

  // Called once per connection, inside the connection's own actor.
  auto factory = [](tether::connection& conn) {
    std::cout << "connection " << conn.id() << " from " << conn.peer()
              << std::endl;
    tether::handlers h;
    h.on_text = [](tether::connection& c, std::string text) {
      c.send_text("you said: " + text);
    };
    return h;
  };

  tether::server server{sys, cfg, factory};
  server.start();
  std::cout << "listening on " << server.url() << std::endl;

  // Serve until Ctrl-C, then close every connection with 1001.
  int signal = 0;
  sigwait(&stop, &signal);
  server.stop();
}
