// Internals of the connection actor, shared with the supervisor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/liveness.hpp"
#include "tether/connection.hpp"
#include "tether/handler.hpp"

namespace tether::detail {

struct connection_state {
  explicit connection_state(caf::event_based_actor* self_ptr);

  // Drops the socket if the actor ends before the transport reported its
  // end: an exception, a kill or an unreachable actor must not leak it.
  ~connection_state();

  connection_state(const connection_state&) = delete;
  connection_state& operator=(const connection_state&) = delete;

  caf::event_based_actor* self;
  conn_id id = 0;
  std::string peer;
  transport_ptr transport;
  handlers user;
  connection ctx;

  // Set once a close handshake started; the cause becomes the exit reason
  // unless the transport reports something more specific.
  std::optional<conn_exit> close_cause;
  // The peer's close frame, once it sent one: its code and reason are what
  // the connection ends with, even if the peer then lingers.
  std::optional<socket_end> peer_close;

  // Heartbeat, idle, write-stall and close deadlines, and the wake-up last
  // requested from the timer service (none once it fired).
  liveness deadlines;
  caf::actor timers;
  std::optional<liveness::time_point> wake_requested;

  static inline const char* name = "tether.connection";
};

using connection_actor_type = caf::stateful_actor<connection_state>;

/// Starts the close handshake unless one started already.
void begin_close(connection_state& st, uint16_t code, std::string reason,
                 conn_exit cause);

/// Queues a message for the peer unless the connection is closing.
void send_frame(connection_state& st, frame_kind kind, std::string payload);

/// The connection actor's behaviour; see `tether::spawn_connection`.
caf::behavior connection_actor(connection_actor_type* self, transport_ptr t,
                               conn_id id, connection_settings cfg,
                               handler_factory factory);

} // namespace tether::detail
