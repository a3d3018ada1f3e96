#include "tether/actor_config.hpp"

#include <caf/atom.hpp>

namespace tether {

void recommended_actor_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("sharing"));
}

} // namespace tether
