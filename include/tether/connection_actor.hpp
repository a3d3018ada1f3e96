// Spawning a connection actor directly, e.g. over a fake transport in tests.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "tether/config.hpp"
#include "tether/handler.hpp"
#include "tether/transport.hpp"

namespace tether {

/// Spawns an actor that serves the WebSocket behind `t` with the handlers
/// `factory` builds, and starts `t`.
///
/// The actor ends when the socket ends, with the `conn_exit` the transport
/// reported, and it aborts the socket whenever it ends first (exception,
/// kill, or no one left holding a reference to it). It traps exits: a
/// linked actor's non-normal exit closes the connection with 1001 on
/// shutdown reasons (`server_shutdown`, `user_shutdown`) and 1011 otherwise.
/// A `connection_supervisor` normally does this; call it yourself only to
/// run a connection outside a server.
caf::actor spawn_connection(caf::actor_system& sys, transport_ptr t, conn_id id,
                            connection_settings cfg, handler_factory factory);

} // namespace tether
