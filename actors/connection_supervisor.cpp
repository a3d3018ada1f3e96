#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_actor.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"
#include "tether/supervisor.hpp"

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

  // Connections in their opening phase, held weakly; the generation tells
  // a keep-alive connection's current deadline from its earlier ones.
  struct handshake {
    pending_handshake_ref ref;
    uint64_t generation;
  };
  std::unordered_map<conn_id, handshake> handshakes;
  uint64_t handshake_generation = 0;
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

void on_handshake_expired(supervisor_actor* self, conn_id id,
                          uint64_t generation) {
  auto& st = self->state;
  auto i = st.handshakes.find(id);
  if (i == st.handshakes.end() || i->second.generation != generation)
    return;
  // A connection that finished or failed on its own is gone by now.
  if (auto pending = i->second.ref.lock()) {
    pending->abort_handshake();
    ++st.counts.handshake_timeouts;
    log::net().debug("conn {} dropped: handshake not done within {} ms", id,
                     st.handshake_timeout.count());
  }
  st.handshakes.erase(i);
}

caf::behavior supervisor(supervisor_actor* self, server_config cfg,
                         handler_factory factory) {
  self->state.settings = cfg.connection;
  self->state.handshake_timeout = cfg.handshake_timeout;
  self->state.factory = std::move(factory);
  self->set_exit_handler([self](caf::exit_msg& x) { on_exit_msg(self, x); });
  return {
      [self](handshake_atom, conn_id id, pending_handshake_ref& ref) {
        auto& st = self->state;
        if (st.handshake_timeout.count() <= 0)
          return;
        auto generation = ++st.handshake_generation;
        st.handshakes[id] =
            supervisor_state::handshake{std::move(ref), generation};
        self->delayed_send(self, st.handshake_timeout,
                           handshake_expired_atom::value, id, generation);
      },
      [self](handshake_expired_atom, conn_id id, uint64_t generation) {
        on_handshake_expired(self, id, generation);
      },
      [self](new_conn_atom, transport_ptr& t, conn_id id) {
        auto& st = self->state;
        st.handshakes.erase(id);
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
                            handler_factory factory) {
  return sys.spawn(supervisor, cfg, std::move(factory));
}

} // namespace tether
