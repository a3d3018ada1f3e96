// The connection supervisor: parent, registry and accountant of every
// connection actor of a server.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>

#include "tether/config.hpp"
#include "tether/exit_reason.hpp"
#include "tether/handler.hpp"
#include "tether/resource_gauges.hpp"

namespace tether {

/// A consistent snapshot of a supervisor's counts.
struct supervisor_counts {
  /// Connection actors alive now.
  uint64_t live = 0;
  /// Connection actors spawned since start.
  uint64_t accepted = 0;
  /// Connections refused because the supervisor was draining.
  uint64_t refused = 0;
  /// TCP connections dropped for not finishing their HTTP request or
  /// upgrade within `handshake_timeout`.
  uint64_t handshake_timeouts = 0;
  /// TCP connections in their opening phase now (HTTP request, upgrade).
  uint64_t handshaking = 0;
  /// Ended connections by exit reason name (see `exit_reason_name`).
  std::map<std::string, uint64_t> ended;
  /// Resources held by connections, from the gauges the server was given.
  resource_counts resources;

  /// Ended connections with reason `x`.
  uint64_t ended_with(conn_exit x) const {
    auto i = ended.find(to_string(x));
    return i == ended.end() ? 0 : i->second;
  }

  /// All ended connections.
  uint64_t ended_total() const {
    uint64_t n = 0;
    for (auto& kvp : ended)
      n += kvp.second;
    return n;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, supervisor_counts& x) {
  return f(caf::meta::type_name("tether.supervisor_counts"), x.live, x.accepted,
           x.refused, x.handshake_timeouts, x.handshaking, x.ended,
           x.resources);
}

/// Spawns a connection supervisor for a server configured by `cfg`.
///
/// It spawns one connection actor per `(new_conn_atom, transport_ptr,
/// conn_id)` message, linked to itself, and keeps the only long-lived strong
/// reference to each. It traps exits: a connection's end updates the counts
/// and logs one line. When the supervisor itself terminates, every
/// connection receives its exit reason and closes with 1001. It also owns
/// the handshake deadline of every connection still in its opening phase
/// (`handshake_atom`). Its snapshot reports `gauges` as `resources`.
caf::actor spawn_supervisor(caf::actor_system& sys, const server_config& cfg,
                            handler_factory factory,
                            resource_gauges_ptr gauges = nullptr);

} // namespace tether
