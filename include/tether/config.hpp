// Configuration of a tether server and its connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tether {

/// Settings every connection actor gets from its supervisor.
struct connection_settings {
  /// How long the server waits for the peer's close frame after sending its
  /// own before it drops the socket. A live peer answers within a round trip;
  /// 5 s leaves room for a congested one without keeping dead ones long.
  std::chrono::milliseconds close_timeout = std::chrono::seconds(5);
};

/// Configuration of a `tether::server`.
struct server_config {
  /// Address to listen on. Loopback by default: exposing a server is a choice.
  std::string address = "127.0.0.1";
  /// TCP port; 0 picks a free one (see `server::port()`).
  uint16_t port = 8080;
  /// Threads running socket I/O (Asio `io_context::run`); actors run on
  /// CAF's scheduler threads, never on these.
  unsigned io_threads = 1;
  /// Request path that accepts WebSocket upgrades; other paths answer 404.
  std::string websocket_path = "/";
  /// Largest message a peer may send; a larger one closes the connection
  /// with 1009. Beast's default of 16 MiB would let each peer pin 16 MiB.
  std::size_t max_message_bytes = 1024 * 1024;
  /// Largest HTTP request (headers and body) before the upgrade or for a
  /// plain HTTP route; a larger one gets 431 or 413.
  std::size_t max_http_request_bytes = 16 * 1024;
  /// Time a client has to send a complete HTTP request after connecting or
  /// after its previous request. Bounds slow or silent clients.
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
  /// How long `server::stop()` waits for connections to finish their close
  /// handshake before it drops what is left.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(10);
  /// Settings passed to each connection actor.
  connection_settings connection;
};

} // namespace tether
