// One actor per actor system that wakes connection actors at the times they
// ask for, without keeping them alive.
//
// Why not `delayed_send` to self: in CAF 0.17 a scheduled message cannot be
// cancelled and holds a strong reference to its receiver until it fires, so
// a connection with a 5-minute idle deadline would keep its dead actor for 5
// minutes. The timer service holds at most one entry per connection, keyed
// by a weak address, and monitors each connection so that its entry goes
// the moment it dies. Only the service's own alarm is a scheduled message.
// It lives as long as someone holds its handle (every connection does).
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace tether {

/// The timer service of `sys`, spawned on first use. Any actor may use it
/// for deadlines that must not keep it alive. It answers
///   `(timer_arm_atom, caf::timespan when)`: send the sender `timer_tick_atom`
///     at `when`, replacing its earlier request;
///   `(timer_count_atom) -> uint64_t`: the number of actors it tracks.
caf::actor timer_service_of(caf::actor_system& sys);

} // namespace tether
