#include "tether/timer_service.hpp"

#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "tether/messages.hpp"

namespace tether {

namespace {

using time_point = caf::actor_clock::time_point;

struct timer_service_state {
  using queue_type = std::multimap<time_point, caf::actor_addr>;

  // Pending wake-ups, earliest first.
  queue_type queue;
  // Every monitored actor, with its pending entry or queue.end().
  std::unordered_map<caf::actor_addr, queue_type::iterator> tracked;
  // Times of the service's own alarms still scheduled.
  std::set<time_point> alarms;

  static inline const char* name = "tether.timer_service";
};

using timer_service_actor = caf::stateful_actor<timer_service_state>;

time_point from_epoch(caf::timespan x) {
  return time_point{std::chrono::duration_cast<time_point::duration>(x)};
}

caf::timespan to_epoch(time_point x) {
  return std::chrono::duration_cast<caf::timespan>(x.time_since_epoch());
}

// Schedules an alarm for `when` unless one is due no later.
void ensure_alarm(timer_service_actor* self, time_point when) {
  auto& st = self->state;
  if (!st.alarms.empty() && *st.alarms.begin() <= when)
    return;
  st.alarms.insert(when);
  auto delay = when - self->clock().now();
  if (delay < time_point::duration::zero())
    delay = time_point::duration::zero();
  self->delayed_send(self, delay, timer_wake_atom::value, to_epoch(when));
}

void arm(timer_service_actor* self, const caf::actor_addr& who,
         time_point when) {
  auto& st = self->state;
  auto i = st.tracked.find(who);
  if (i == st.tracked.end()) {
    // First request: learn of the actor's death to drop its entry then.
    self->monitor(caf::actor_cast<caf::actor>(who));
    i = st.tracked.emplace(who, st.queue.end()).first;
  } else if (i->second != st.queue.end()) {
    st.queue.erase(i->second);
  }
  i->second = st.queue.emplace(when, who);
  ensure_alarm(self, when);
}

void on_alarm(timer_service_actor* self, time_point alarm) {
  auto& st = self->state;
  st.alarms.erase(alarm);
  auto now = self->clock().now();
  while (!st.queue.empty() && st.queue.begin()->first <= now) {
    auto who = st.queue.begin()->second;
    st.queue.erase(st.queue.begin());
    st.tracked[who] = st.queue.end();
    if (auto target = caf::actor_cast<caf::actor>(who))
      caf::anon_send(target, timer_tick_atom::value);
  }
  if (!st.queue.empty())
    ensure_alarm(self, st.queue.begin()->first);
}

caf::behavior timer_service(timer_service_actor* self) {
  self->set_down_handler([self](caf::down_msg& x) {
    auto& st = self->state;
    auto i = st.tracked.find(x.source);
    if (i == st.tracked.end())
      return;
    if (i->second != st.queue.end())
      st.queue.erase(i->second);
    st.tracked.erase(i);
  });
  return {
      [self](timer_arm_atom, caf::timespan when) {
        auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
        if (sender)
          arm(self, sender, from_epoch(when));
      },
      [self](timer_wake_atom, caf::timespan when) {
        on_alarm(self, from_epoch(when));
      },
      [self](timer_count_atom) {
        return static_cast<uint64_t>(self->state.tracked.size());
      },
  };
}

} // namespace

caf::actor timer_service_of(caf::actor_system& sys) {
  // Held weakly here and strongly by its users (connection states): the
  // actor registry would hold it past the actor system's clock, whose
  // destruction order then makes its cleanup crash. Once no one holds it,
  // it ends and the next user spawns a new one.
  static std::mutex mtx;
  static std::unordered_map<caf::actor_system*, caf::actor_addr> services;
  std::lock_guard<std::mutex> guard{mtx};
  auto& addr = services[&sys];
  if (auto existing = caf::actor_cast<caf::actor>(addr))
    return existing;
  // Hidden: shutting down the actor system does not wait for it, nor for
  // an alarm it set minutes ahead.
  auto result = sys.spawn<caf::hidden>(timer_service);
  addr = result.address();
  return result;
}

} // namespace tether
