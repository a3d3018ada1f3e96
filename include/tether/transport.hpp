// The seam between a connection actor and its socket.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "tether/exit_reason.hpp"

namespace tether {

/// Identifies a connection in logs and counts; unique within a server.
using conn_id = uint64_t;

/// How and why a socket ended, reported once by its transport.
struct socket_end {
  /// Tether's classification of the end.
  conn_exit reason = conn_exit::aborted;
  /// The close code the peer sent, or 0 if no close frame arrived.
  uint16_t close_code = 0;
  /// The peer's close reason text or the system error message.
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, socket_end& x) {
  return f(caf::meta::type_name("tether.socket_end"), x.reason, x.close_code,
           x.detail);
}

/// Whether a frame carries UTF-8 text or binary data.
enum class frame_kind : uint8_t { text, binary };

/// The socket side of a connection, as a connection actor sees it.
///
/// A transport owns one WebSocket whose opening handshake is done. Its
/// operations may be called from any thread and return at once; the work
/// happens on the transport's own executor. After `start`, it sends its
/// owner these messages (atoms in `tether/messages.hpp`), in order:
/// - `(ws_text_atom, std::string)` for each text message,
/// - `(ws_binary_atom, std::vector<uint8_t>)` for each binary message,
/// - `(ws_ping_atom)` for each ping from the peer (already answered),
/// - `(ws_ping_sent_atom, std::string payload)` when a ping was written,
/// - `(ws_pong_atom, std::string payload)` for each pong from the peer,
/// - `(ws_peer_close_atom, uint16_t code, std::string reason)` when the peer
///   sends a close frame, before the end is reported,
/// - `(ws_closed_atom, socket_end)` exactly once, when the socket ended,
///   for whatever reason, after which it sends nothing more and drops its
///   reference to the owner.
class transport {
public:
  virtual ~transport();

  /// Starts reading and delivering events to `owner`. Called once.
  virtual void start(caf::actor owner) = 0;

  /// Queues a message; messages go out in the order they were queued.
  /// Ignored once `close` or `abort` was called.
  virtual void send(frame_kind kind, std::string payload) = 0;

  /// Sends a ping with `payload` (at most 125 bytes). Skipped while a
  /// previous ping is still being written.
  virtual void ping(std::string payload) = 0;

  /// Number of queued messages written to the socket so far. May be called
  /// from any thread; it only grows.
  virtual uint64_t writes_completed() const = 0;

  /// Sends a close frame after the queued messages and waits for the peer's.
  /// The end is reported as `server_closed` when the peer answers.
  virtual void close(uint16_t code, std::string reason) = 0;

  /// Drops the TCP connection at once: no close frame, queued data lost.
  /// Safe to call at any time and more than once.
  virtual void abort() = 0;

  /// The peer's address as "ip:port".
  virtual const std::string& peer() const = 0;
};

/// Shared ownership: the transport's pending I/O and its actor both hold it.
using transport_ptr = std::shared_ptr<transport>;

/// A connection still in its opening phase (HTTP request, upgrade), which
/// the connection supervisor drops when `handshake_timeout` passes.
class pending_handshake {
public:
  virtual ~pending_handshake();

  /// Drops the connection; it was too slow to finish its handshake.
  virtual void abort_handshake() = 0;
};

/// The supervisor holds pending handshakes weakly: one that finished or
/// failed on its own is simply gone when its deadline comes.
using pending_handshake_ref = std::weak_ptr<pending_handshake>;

} // namespace tether

// These handles only ever travel between actors of one process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tether::transport_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tether::pending_handshake_ref)
