#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_actor.hpp"
#include "actors/deadline_queue.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"
#include "tether/supervisor.hpp"
#include "tether/timer_service.hpp"

namespace tether {

namespace {

struct supervisor_state {
  struct entry {
    caf::actor handle;
    conn_id id;
    std::string peer;
  };

  // The only long-lived strong references to connection actors; an entry
  // goes when its actor's exit message arrives.
  std::unordered_map<caf::actor_addr, entry> live;
  supervisor_counts counts;
  connection_settings settings;
  std::chrono::milliseconds handshake_timeout{0};
  handler_factory factory;
  resource_gauges_ptr gauges;

  // Connections in their opening phase, held weakly, with one alarm for
  // the earliest deadline: a handshake that completes leaves nothing in
  // the actor clock behind.
  std::unordered_map<conn_id, pending_handshake_ref> handshakes;
  detail::deadline_queue<conn_id> handshake_deadlines;
  caf::actor timers;

  bool draining = false;
  std::vector<caf::response_promise> drain_waiters;

  static inline const char* name = "tether.supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void answer_drain_waiters(supervisor_state& st) {
  if (!st.draining || !st.live.empty())
    return;
  for (auto& rp : st.drain_waiters)
    rp.deliver(true);
  st.drain_waiters.clear();
}

// A connection ended: account for it. Anyone else's exit (the server, a
// parent) ends the supervisor with the same reason, which the links pass on
// to every connection. `normal` is replaced because it would not propagate.
void on_exit_msg(supervisor_actor* self, caf::exit_msg& x) {
  auto& st = self->state;
  auto i = st.live.find(x.source);
  if (i == st.live.end()) {
    log::actors().debug("supervisor exits: {}", exit_reason_name(x.reason));
    self->quit(x.reason ? x.reason : caf::exit_reason::user_shutdown);
    return;
  }
  auto name = exit_reason_name(x.reason);
  log::conn().info("conn {} ended peer={} reason={}", i->second.id,
                   i->second.peer, name);
  ++st.counts.ended[name];
  st.live.erase(i);
  answer_drain_waiters(st);
}

// Asks the timer service, not CAF's clock, for the wake-up: a delayed
// message would keep a stopped supervisor alive until it fires and then
// destroy it on the clock's thread (see actors/alarm_thread.hpp).
void schedule_handshake_alarm(supervisor_actor* self) {
  if (auto when = self->state.handshake_deadlines.alarm_needed())
    self->send(
        self->state.timers, timer_arm_atom::value,
        std::chrono::duration_cast<caf::timespan>(when->time_since_epoch()));
}

void forget_handshake(supervisor_state& st, conn_id id) {
  st.handshakes.erase(id);
  st.handshake_deadlines.erase(id);
}

void on_handshake_alarm(supervisor_actor* self) {
  auto& st = self->state;
  st.handshake_deadlines.alarm_fired();
  for (auto id : st.handshake_deadlines.pop_due(self->clock().now())) {
    auto i = st.handshakes.find(id);
    if (i == st.handshakes.end())
      continue;
    // A connection that ended on its own without telling is gone by now.
    if (auto pending = i->second.lock()) {
      pending->abort_handshake();
      ++st.counts.handshake_timeouts;
      log::net().debug("conn {} dropped: handshake not done within {} ms", id,
                       st.handshake_timeout.count());
    }
    st.handshakes.erase(i);
  }
  schedule_handshake_alarm(self);
}

caf::behavior supervisor(supervisor_actor* self, server_config cfg,
                         handler_factory factory, resource_gauges_ptr gauges) {
  self->state.gauges = std::move(gauges);
  self->state.timers = timer_service_of(self->system());
  self->state.settings = cfg.connection;
  self->state.handshake_timeout = cfg.handshake_timeout;
  self->state.factory = std::move(factory);
  self->set_exit_handler([self](caf::exit_msg& x) { on_exit_msg(self, x); });
  return {
      [self](handshake_atom, conn_id id, pending_handshake_ref& ref) {
        auto& st = self->state;
        if (st.handshake_timeout.count() <= 0)
          return;
        st.handshakes[id] = std::move(ref);
        st.handshake_deadlines.set(id,
                                   self->clock().now() + st.handshake_timeout);
        schedule_handshake_alarm(self);
      },
      [self](handshake_done_atom, conn_id id) {
        forget_handshake(self->state, id);
      },
      [self](timer_tick_atom) { on_handshake_alarm(self); },
      [self](new_conn_atom, transport_ptr& t, conn_id id) {
        auto& st = self->state;
        forget_handshake(st, id);
        if (st.draining) {
          ++st.counts.refused;
          t->close(close_code::going_away, "server shutting down");
          return;
        }
        auto peer = t->peer();
        auto handle =
            self->spawn<caf::linked>(detail::connection_actor, std::move(t), id,
                                     st.settings, st.factory);
        st.live.emplace(handle.address(),
                        supervisor_state::entry{handle, id, peer});
        ++st.counts.accepted;
        log::conn().info("conn {} opened peer={}", id, peer);
      },
      [self](snapshot_atom) {
        auto result = self->state.counts;
        result.live = self->state.live.size();
        result.handshaking = self->state.handshakes.size();
        if (self->state.gauges)
          result.resources = self->state.gauges->read();
        return result;
      },
      [self](drain_atom) {
        auto& st = self->state;
        st.draining = true;
        for (auto& kvp : st.live)
          self->send(kvp.second.handle, shutdown_atom::value);
        st.drain_waiters.emplace_back(self->make_response_promise());
        answer_drain_waiters(st);
      },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, const server_config& cfg,
                            handler_factory factory,
                            resource_gauges_ptr gauges) {
  return sys.spawn(supervisor, cfg, std::move(factory), std::move(gauges));
}

} // namespace tether
