// Actor system settings that suit a WebSocket server.
#pragma once

#include <caf/actor_system_config.hpp>

namespace tether {

/// Applies tether's recommended settings to `cfg` before the actor system
/// is created: CAF's `sharing` scheduler, whose idle workers sleep on a
/// condition variable. CAF's default work-stealing scheduler wakes each
/// idle worker every 10 ms to look for work, which costs an idle server
/// about 1.5 % of a core; with `sharing` it is near zero (bench/README.md).
/// Applications with CPU-heavy actors on many cores may prefer
/// work-stealing with a longer `work-stealing.relaxed-sleep-duration`.
void recommended_actor_config(caf::actor_system_config& cfg);

} // namespace tether
