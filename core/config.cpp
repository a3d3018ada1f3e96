#include "tether/config.hpp"

namespace tether {

namespace {

std::string show(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

} // namespace

std::string config_error(const server_config& cfg) {
  constexpr unsigned max_io_threads = 256;
  if (cfg.io_threads == 0 || cfg.io_threads > max_io_threads)
    return "io_threads must be between 1 and " + std::to_string(max_io_threads)
           + ", got " + std::to_string(cfg.io_threads);
  if (cfg.websocket_path.empty() || cfg.websocket_path[0] != '/')
    return "websocket_path must start with '/', got '" + cfg.websocket_path
           + "'";
  // Beast reads 0 as "no limit", which would let a peer pin any amount.
  if (cfg.max_message_bytes == 0)
    return "max_message_bytes must be at least 1";
  if (cfg.max_http_request_bytes < 1024)
    return "max_http_request_bytes must be at least 1024, got "
           + std::to_string(cfg.max_http_request_bytes);
  const auto& c = cfg.connection;
  for (auto [name, d] : {std::pair{"handshake_timeout", cfg.handshake_timeout},
                         std::pair{"shutdown_timeout", cfg.shutdown_timeout},
                         std::pair{"ping_interval", c.ping_interval},
                         std::pair{"pong_timeout", c.pong_timeout},
                         std::pair{"idle_timeout", c.idle_timeout},
                         std::pair{"write_timeout", c.write_timeout},
                         std::pair{"close_timeout", c.close_timeout}})
    if (d.count() < 0)
      return std::string(name) + " must not be negative, got " + show(d);
  // A close and a shutdown must end; they are the last line of defence.
  if (c.close_timeout.count() == 0)
    return "close_timeout must be above 0";
  if (cfg.shutdown_timeout.count() == 0)
    return "shutdown_timeout must be above 0";
  if (c.ping_interval.count() > 0 && c.pong_timeout.count() == 0)
    return "pong_timeout must be above 0 while ping_interval is on";
  return {};
}

} // namespace tether
