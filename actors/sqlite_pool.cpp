// The database pool: hands out its connections as lease actors and takes
// each back exactly once, when the lease ends for whatever reason.
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/db_lease.hpp"
#include "tether/database.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"
#include "tether/resource_error.hpp"
#include "tether/timer_service.hpp"

namespace tether {

namespace {

using time_point = caf::actor_clock::time_point;

struct pool_state {
  struct slot_use {
    detail::pool_slot_ptr slot;
    // The lease holding the slot, none while the slot is idle. A strong
    // reference: a lease its owner forgot must not end as "unreachable",
    // which would fail the owner; it ends with the owner instead.
    caf::actor lease;
  };
  struct waiter {
    caf::response_promise promise;
    caf::actor owner;
    time_point deadline;
  };

  std::vector<slot_use> slots;
  std::deque<waiter> waiters;
  sqlite_pool_config cfg;
  resource_gauges_ptr gauges;
  caf::actor timers;
  // The wake-up last asked of the timer service, if any.
  std::optional<time_point> wake_requested;

  ~pool_state() {
    if (!gauges)
      return;
    int64_t leased = 0;
    for (auto& use : slots)
      if (use.lease)
        ++leased;
    gauges->leases -= leased;
    gauges->pool_idle -= static_cast<int64_t>(slots.size()) - leased;
    gauges->pool_size -= static_cast<int64_t>(slots.size());
    gauges->lease_waiters -= static_cast<int64_t>(waiters.size());
  }

  size_t idle() const {
    size_t n = 0;
    for (auto& use : slots)
      if (!use.lease)
        ++n;
    return n;
  }

  static inline const char* name = "tether.sqlite_pool";
};

using pool_actor = caf::stateful_actor<pool_state>;

caf::actor lend(pool_actor* self, pool_state::slot_use& use,
                const caf::actor& owner) {
  auto& st = self->state;
  auto handle = detail::spawn_lease(self, use.slot, owner);
  self->monitor(handle);
  use.lease = handle;
  --st.gauges->pool_idle;
  ++st.gauges->leases;
  return handle;
}

void arm_timer(pool_actor* self) {
  auto& st = self->state;
  if (st.waiters.empty())
    return;
  auto next = st.waiters.front().deadline;
  if (st.wake_requested && *st.wake_requested <= next)
    return;
  st.wake_requested = next;
  self->send(
      st.timers, timer_arm_atom::value,
      std::chrono::duration_cast<caf::timespan>(next.time_since_epoch()));
}

caf::result<caf::actor> acquire(pool_actor* self) {
  auto& st = self->state;
  auto owner = caf::actor_cast<caf::actor>(self->current_sender());
  if (!owner)
    return make_error(resource_error::bad_request, "a lease needs an owner");
  for (auto& use : st.slots)
    if (!use.lease)
      return lend(self, use, owner);
  if (st.waiters.size() >= st.cfg.max_waiting)
    return make_error(
        resource_error::pool_exhausted,
        "all " + std::to_string(st.slots.size()) + " connections leased and "
            + std::to_string(st.waiters.size()) + " requests waiting");
  auto rp = self->make_response_promise<caf::actor>();
  st.waiters.push_back(pool_state::waiter{
      rp, owner, self->clock().now() + st.cfg.acquire_timeout});
  ++st.gauges->lease_waiters;
  arm_timer(self);
  return rp;
}

// A lease ended: its connection goes back, cleaned of an open transaction,
// to the longest waiting request or to the idle set.
void take_back(pool_actor* self, const caf::actor_addr& lease) {
  auto& st = self->state;
  for (auto& use : st.slots) {
    if (!use.lease || use.lease.address() != lease)
      continue;
    use.lease = caf::actor{};
    --st.gauges->leases;
    ++st.gauges->pool_idle;
    use.slot->worker.post([slot = use.slot.get()] { slot->conn.reset(); });
    if (!st.waiters.empty()) {
      auto next = std::move(st.waiters.front());
      st.waiters.pop_front();
      --st.gauges->lease_waiters;
      next.promise.deliver(lend(self, use, next.owner));
    }
    return;
  }
}

void expire_waiters(pool_actor* self) {
  auto& st = self->state;
  st.wake_requested.reset();
  auto now = self->clock().now();
  while (!st.waiters.empty() && st.waiters.front().deadline <= now) {
    st.waiters.front().promise.deliver(make_error(
        resource_error::acquire_timeout,
        "no database connection free within "
            + std::to_string(st.cfg.acquire_timeout.count()) + " ms"));
    st.waiters.pop_front();
    --st.gauges->lease_waiters;
  }
  arm_timer(self);
}

caf::behavior pool(pool_actor* self, std::vector<detail::pool_slot_ptr> slots,
                   sqlite_pool_config cfg, resource_gauges_ptr gauges) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.gauges = std::move(gauges);
  st.timers = timer_service_of(self->system());
  for (auto& slot : slots)
    st.slots.push_back(pool_state::slot_use{std::move(slot), {}});
  st.gauges->pool_size += static_cast<int64_t>(st.slots.size());
  st.gauges->pool_idle += static_cast<int64_t>(st.slots.size());
  self->set_down_handler(
      [self](caf::down_msg& x) { take_back(self, x.source); });
  return {
      [self](lease_acquire_atom) { return acquire(self); },
      [self](timer_tick_atom) { expire_waiters(self); },
      [self](snapshot_atom) {
        auto& st = self->state;
        resource_counts result;
        result.pool_size = st.slots.size();
        result.pool_idle = st.idle();
        result.leases = st.slots.size() - result.pool_idle;
        result.lease_waiters = st.waiters.size();
        return result;
      },
  };
}

} // namespace

caf::actor spawn_sqlite_pool(caf::actor_system& sys, sqlite_pool_config cfg,
                             resource_gauges_ptr gauges) {
  if (cfg.connections == 0)
    throw std::invalid_argument("sqlite pool: connections must be at least 1");
  auto target =
      db::sqlite_target::for_path(cfg.path, cfg.busy_timeout, cfg.sync_full);
  // Opened here, on the caller's thread, so that a bad path is an
  // exception at start-up rather than a failing actor later.
  std::vector<detail::pool_slot_ptr> slots;
  slots.push_back(std::make_shared<detail::pool_slot>(target));
  for (auto& sql : cfg.setup) {
    try {
      slots.front()->conn.exec_script(sql);
    } catch (const db::sqlite_error& e) {
      throw db::sqlite_error("setting up database '" + cfg.path
                             + "': " + e.what());
    }
  }
  while (slots.size() < cfg.connections)
    slots.push_back(std::make_shared<detail::pool_slot>(target));
  log::actors().info("sqlite pool on '{}' with {} connection(s)", cfg.path,
                     slots.size());
  if (!gauges)
    gauges = std::make_shared<resource_gauges>();
  return sys.spawn(pool, std::move(slots), std::move(cfg), std::move(gauges));
}

} // namespace tether
