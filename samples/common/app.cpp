#include "common/app.hpp"

#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "tether/logging.hpp"

namespace tether::samples {

void add_server_options(cli& opts, server_config& cfg) {
  opts.add("address", "IP address to listen on (IPv4 or IPv6)", cfg.address);
  opts.add("port", "TCP port; 0 picks a free one", cfg.port);
  opts.add("threads", "I/O threads", cfg.io_threads);
  opts.add("ws-path", "path that accepts WebSocket upgrades",
           cfg.websocket_path);
  opts.add("max-message", "largest message in bytes; larger ones get 1009",
           cfg.max_message_bytes);
  opts.add("handshake-timeout", "time to send a complete HTTP request",
           cfg.handshake_timeout);
  auto& c = cfg.connection;
  opts.add("ping-interval", "ping the peer this often; 0s: off",
           c.ping_interval);
  opts.add("pong-timeout", "drop a peer whose pong is this late",
           c.pong_timeout);
  opts.add_flag("heartbeat-any-frame",
                "any frame from the peer answers a ping, not only a pong",
                c.heartbeat_any_frame);
  opts.add("idle-timeout",
           "close (4000) after this long without a message; "
           "0s: off",
           c.idle_timeout);
  opts.add_flag("idle-counts-sends",
                "the server's own messages count as activity too",
                c.idle_counts_sends);
  opts.add("write-timeout",
           "drop a peer that reads nothing for this long; "
           "0s: off",
           c.write_timeout);
  opts.add("close-timeout", "wait for the peer's close frame", c.close_timeout);
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
