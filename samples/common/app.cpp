#include "common/app.hpp"

#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "tether/logging.hpp"

namespace tether::samples {

void add_server_options(cli& opts, server_config& cfg) {
  opts.add("address", "address to listen on", cfg.address);
  opts.add("port", "TCP port; 0 picks a free one", cfg.port);
  opts.add("threads", "I/O threads", cfg.io_threads);
  opts.add("ws-path", "path that accepts WebSocket upgrades",
           cfg.websocket_path);
  opts.add("max-message", "largest message in bytes; larger ones get 1009",
           cfg.max_message_bytes);
  opts.add("handshake-timeout", "time to send a complete HTTP request",
           cfg.handshake_timeout);
  opts.add("close-timeout", "wait for the peer's close frame",
           cfg.connection.close_timeout);
  opts.add("shutdown-timeout", "wait for connections to close on stop",
           cfg.shutdown_timeout);
}

void add_log_option(cli& opts, std::string& level) {
  opts.add("log-level", "trace, debug, info, warn, error or off", level);
}

bool apply_log_level(const std::string& program, const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // spdlog maps unknown names to "off"; only "off" itself means off.
  if (parsed == spdlog::level::off && level != "off") {
    std::cerr << program << ": unknown log level '" << level
              << "' (use trace, debug, info, warn, error or off)\n";
    return false;
  }
  log::set_level(parsed);
  return true;
}

void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

} // namespace tether::samples
