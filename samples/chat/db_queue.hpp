// A connection's database work: its statements run one at a time, in the
// order submitted, each on a lease of its own that is given back at once.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>

#include "chat/chat_history.hpp"
#include "tether/database.hpp"

namespace tether::chat {

/// Runs statements for one actor on leases from a pool.
///
/// One at a time keeps a connection's messages in the order it sent them
/// (ids, acks) and keeps one busy client from filling the pool's wait queue
/// that every client shares. Use only from the actor `self`.
class db_queue {
public:
  using callback = std::function<void(caf::expected<db_result>)>;

  db_queue(caf::event_based_actor* self, caf::actor pool, std::size_t capacity);

  /// Queues `stmt`; `done` runs in the actor with its result or error
  /// (`resource_error` from the pool or the lease, or CAF's if one of them
  /// is gone). Returns false, and drops `stmt`, if `capacity` statements
  /// are queued already.
  bool submit(statement stmt, callback done);

  /// Statements queued or running.
  std::size_t size() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace tether::chat
