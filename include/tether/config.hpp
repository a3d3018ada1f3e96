// Configuration of a tether server and its connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tether {

/// Settings every connection actor gets from its supervisor. Every deadline
/// is a timer of the connection actor; a zero duration turns it off.
struct connection_settings {
  /// The server pings the peer this often. 20 s stays below the 30-60 s
  /// after which NATs and load balancers commonly drop silent flows.
  std::chrono::milliseconds ping_interval = std::chrono::seconds(20);
  /// A ping unanswered this long means the peer is gone: the socket is
  /// dropped at once (`heartbeat_timeout`), since a dead peer cannot take
  /// part in a close handshake. With the defaults a vanished peer is found
  /// within 30 s.
  std::chrono::milliseconds pong_timeout = std::chrono::seconds(10);
  /// Accept any frame from the peer, not only the pong, as an answer to an
  /// outstanding ping. Off: a peer that keeps sending but never pongs is a
  /// broken client.
  bool heartbeat_any_frame = false;
  /// No text or binary message from the peer for this long closes the
  /// connection with 4000 "idle timeout" (`idle_timeout`). Pings and pongs
  /// never count. 5 minutes, as Beast suggests for servers.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
  /// Count the server's own messages as activity too, so a peer that only
  /// listens is not idle while the server talks to it.
  bool idle_counts_sends = false;
  /// Queued messages that make no progress for this long mean the peer
  /// stopped reading: the socket is dropped (`write_timeout`). Beast has no
  /// write timeout of its own. Detected within one to two periods.
  std::chrono::milliseconds write_timeout = std::chrono::seconds(20);
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
  /// Web pages allowed to open WebSocket connections, by their `Origin`
  /// header, e.g. "https://chat.example.com", or `same_host_origin` for
  /// pages this server serves itself; others get 403. Empty: any page.
  /// Without it, any site a user visits can connect in the user's name.
  /// See `origin_allowed` (`tether/origin.hpp`).
  std::vector<std::string> allowed_origins;
  /// Largest message a peer may send; a larger one closes the connection
  /// with 1009. Beast's default of 16 MiB would let each peer pin 16 MiB.
  std::size_t max_message_bytes = 1024 * 1024;
  /// Largest HTTP request (headers and body) before the upgrade or for a
  /// plain HTTP route; a larger one gets 431 or 413.
  std::size_t max_http_request_bytes = 16 * 1024;
  /// Time a client has to send a complete HTTP request after connecting or
  /// after its previous request, and to finish the upgrade. Bounds slow or
  /// silent clients (slowloris); a timer of the connection supervisor.
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
  /// How long `server::stop()` waits for connections to finish their close
  /// handshake before it drops what is left.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(10);
  /// Settings passed to each connection actor.
  connection_settings connection;
};

/// Why `cfg` cannot work, in one sentence naming the field, or an empty
/// string if it can. `server::start` refuses a configuration with an error.
std::string config_error(const server_config& cfg);

} // namespace tether
