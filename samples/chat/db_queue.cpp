#include "chat/db_queue.hpp"

#include <deque>
#include <utility>

namespace tether::chat {

struct db_queue::impl : std::enable_shared_from_this<impl> {
  struct job {
    statement stmt;
    callback done;
  };

  caf::event_based_actor* self;
  caf::actor pool;
  std::size_t capacity;
  std::deque<job> jobs;
  bool running = false;

  impl(caf::event_based_actor* self, caf::actor pool, std::size_t capacity)
      : self(self), pool(std::move(pool)), capacity(capacity) {}

  // The pool answers within its acquire timeout, and a lease within the
  // statement's busy timeout, so no timeout of our own is needed.
  void run_next() {
    if (running || jobs.empty())
      return;
    running = true;
    auto me = shared_from_this();
    self->request(pool, caf::infinite, lease_acquire_atom::value)
        .then([me](caf::actor& lease) { me->exec(lease); },
              [me](caf::error& err) { me->finish(std::move(err)); });
  }

  void exec(const caf::actor& lease) {
    auto me = shared_from_this();
    const auto& stmt = jobs.front().stmt;
    // Released on both paths: the lease would otherwise hold its pooled
    // connection until this actor ends.
    self->request(lease, caf::infinite, db_exec_atom::value, stmt.sql,
                  stmt.params)
        .then(
            [me, lease](db_result& result) {
              me->self->send(lease, lease_release_atom::value);
              me->finish(std::move(result));
            },
            [me, lease](caf::error& err) {
              me->self->send(lease, lease_release_atom::value);
              me->finish(std::move(err));
            });
  }

  void finish(caf::expected<db_result> result) {
    auto done = std::move(jobs.front().done);
    jobs.pop_front();
    running = false;
    done(std::move(result));
    run_next();
  }
};

db_queue::db_queue(caf::event_based_actor* self, caf::actor pool,
                   std::size_t capacity)
    : impl_(std::make_shared<impl>(self, std::move(pool), capacity)) {
  // nop
}

bool db_queue::submit(statement stmt, callback done) {
  if (impl_->jobs.size() >= impl_->capacity)
    return false;
  impl_->jobs.push_back({std::move(stmt), std::move(done)});
  impl_->run_next();
  return true;
}

std::size_t db_queue::size() const {
  return impl_->jobs.size();
}

} // namespace tether::chat
