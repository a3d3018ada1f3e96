#include "actors/db_lease.hpp"

#include <deque>
#include <string>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/response_promise.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/resource_binding.hpp"
#include "tether/database.hpp"
#include "tether/resource_error.hpp"

namespace tether::detail {

namespace {

// Results from the slot's thread back to the lease.
using db_done_atom = caf::atom_constant<caf::atom("db_done")>;
using db_failed_atom = caf::atom_constant<caf::atom("db_failed")>;

struct lease_state {
  pool_slot_ptr slot;
  // One promise per statement on the slot's thread, oldest first; the
  // thread answers in the same order.
  std::deque<caf::response_promise> pending;

  ~lease_state() {
    // The lease ended with statements still queued: their requesters must
    // not wait forever.
    for (auto& rp : pending)
      rp.deliver(make_error(resource_error::query_failed,
                            "the lease ended before the statement finished"));
  }

  static inline const char* name = "tether.db_lease";
};

using lease_actor = caf::stateful_actor<lease_state>;

caf::result<db_result> exec(lease_actor* self, std::string& sql,
                            db_params& params) {
  auto& st = self->state;
  auto rp = self->make_response_promise<db_result>();
  st.pending.push_back(rp);
  // The job holds the lease alive until it answered; the connection is safe
  // to use because the slot's thread stops before the slot closes it.
  st.slot->worker.post([slot = st.slot.get(),
                        me = caf::actor_cast<caf::actor>(self),
                        sql = std::move(sql), params = std::move(params)] {
    try {
      caf::anon_send(me, db_done_atom::value, slot->conn.exec(sql, params));
    } catch (const std::exception& e) {
      caf::anon_send(me, db_failed_atom::value, std::string{e.what()});
    }
  });
  return rp;
}

caf::behavior lease(lease_actor* self, pool_slot_ptr slot, caf::actor owner,
                    caf::actor pool) {
  self->state.slot = std::move(slot);
  bind_resource(self, owner, pool);
  return {
      [self](db_exec_atom, std::string& sql, db_params& params) {
        return exec(self, sql, params);
      },
      [self](db_done_atom, db_result& result) {
        auto& st = self->state;
        st.pending.front().deliver(std::move(result));
        st.pending.pop_front();
      },
      [self](db_failed_atom, std::string& what) {
        auto& st = self->state;
        st.pending.front().deliver(
            make_error(resource_error::query_failed, std::move(what)));
        st.pending.pop_front();
      },
      [self](lease_release_atom) { self->quit(); },
  };
}

} // namespace

caf::actor spawn_lease(caf::event_based_actor* pool, pool_slot_ptr slot,
                       const caf::actor& owner) {
  return pool->spawn(lease, std::move(slot), owner,
                     caf::actor_cast<caf::actor>(pool));
}

} // namespace tether::detail
