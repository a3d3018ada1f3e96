// Why a connection ended, as a CAF exit reason.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace tether {

/// The reason a connection actor terminated. Each value becomes a non-normal
/// CAF exit reason, so a connection's death always propagates through links:
/// in CAF 0.17 an exit with `caf::exit_reason::normal` would not.
enum class conn_exit : uint8_t {
  /// The peer sent a close frame; the server answered it.
  peer_closed = 1,
  /// The server sent a close frame and the peer answered it.
  server_closed,
  /// The peer closed TCP without a close frame.
  eof,
  /// The peer reset the TCP connection (RST or broken pipe).
  reset,
  /// Reading from the socket failed for another reason.
  read_error,
  /// Writing to the socket failed for another reason.
  write_error,
  /// The peer broke the WebSocket protocol; it got close code 1002 or 1007.
  protocol_error,
  /// The peer sent a message over `max_message_bytes`; it got close code 1009.
  message_too_big,
  /// The application handler threw; the peer got close code 1011.
  handler_error,
  /// The server shut down; the peer got close code 1001.
  server_shutdown,
  /// The peer did not answer the server's close frame within `close_timeout`.
  close_timeout,
  /// A ping went unanswered for `pong_timeout`; the socket was dropped.
  heartbeat_timeout,
  /// No message from the peer for `idle_timeout`; the peer got close 4000.
  idle_timeout,
  /// Queued messages made no progress for `write_timeout` (the peer stopped
  /// reading); the socket was dropped.
  write_timeout,
  /// An actor linked to the connection failed; the peer got close code 1011.
  linked_actor_failed,
  /// The socket was dropped by the server without a close handshake.
  aborted,
};

/// The CAF error category of `conn_exit` values.
constexpr caf::atom_value conn_exit_category = caf::atom("tether");

/// Number of `conn_exit` values plus one (values start at 1).
constexpr size_t conn_exit_count = static_cast<size_t>(conn_exit::aborted) + 1;

/// Wraps `x` as a CAF error, found by ADL when a `conn_exit` is passed to
/// `quit` or `send_exit`.
caf::error make_error(conn_exit x);

/// The reason's stable name, e.g. "peer_closed"; used in logs and metrics.
const char* to_string(conn_exit x);

/// Prints `to_string(x)`, so test frameworks show names, not numbers.
std::ostream& operator<<(std::ostream& out, conn_exit x);

/// The `conn_exit` inside `reason`, if it is one of tether's.
std::optional<conn_exit> as_conn_exit(const caf::error& reason);

/// A name for any exit reason: tether's own by `to_string`, CAF's by its
/// error code name (e.g. "unhandled_exception", "kill").
std::string exit_reason_name(const caf::error& reason);

} // namespace tether
