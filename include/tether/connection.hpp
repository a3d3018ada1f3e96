// The application's view of one WebSocket connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include "tether/close_code.hpp"
#include "tether/config.hpp"
#include "tether/transport.hpp"

namespace tether {

namespace detail {
struct connection_state;
} // namespace detail

/// Handle to the connection an application handler serves.
///
/// It lives inside the connection actor and is valid for the actor's whole
/// life; use it only from the actor's own handlers. To reach the connection
/// from other actors, send the actor `send_text_atom`, `send_binary_atom`
/// or `close_atom` messages (`tether/messages.hpp`).
class connection {
public:
  explicit connection(detail::connection_state& state) : state_(state) {}

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// The id that appears in every log line about this connection.
  conn_id id() const;

  /// The peer's address as "ip:port".
  const std::string& peer() const;

  /// The connection actor. Link resource actors to it (`link_to`) so they
  /// end when the connection ends, or spawn them with `caf::linked`.
  caf::event_based_actor* self() const;

  /// Queues a text message for the peer. Ignored once the connection closes.
  void send_text(std::string text);

  /// Queues a binary message for the peer. Ignored once the connection
  /// closes.
  void send_binary(std::vector<uint8_t> data);

  /// Starts the close handshake with `code` and `reason` after the queued
  /// messages. The actor ends with `conn_exit::server_closed` when the peer
  /// answers, or `conn_exit::close_timeout` when it does not in time.
  void close(uint16_t code = close_code::normal, std::string reason = {});

  /// True once the server started the close handshake; sends are ignored.
  bool closing() const;

private:
  detail::connection_state& state_;
};

} // namespace tether
