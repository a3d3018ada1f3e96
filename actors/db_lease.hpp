// The lease actor: one pooled database connection, held for its owner.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "db/sqlite_connection.hpp"
#include "db/worker_thread.hpp"

namespace tether::detail {

/// A pooled connection and the thread its statements run on. The thread is
/// declared last so that it stops before the connection closes.
struct pool_slot {
  explicit pool_slot(const db::sqlite_target& target) : conn(target) {}

  db::sqlite_connection conn;
  db::worker_thread worker;
};

using pool_slot_ptr = std::shared_ptr<pool_slot>;

/// Spawns a lease of `slot` for `owner`, bound to it and to `pool` (see
/// `bind_resource`). Statements run on the slot's thread, in order.
caf::actor spawn_lease(caf::event_based_actor* pool, pool_slot_ptr slot,
                       const caf::actor& owner);

} // namespace tether::detail
