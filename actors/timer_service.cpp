#include "tether/timer_service.hpp"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/detail/test_actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/alarm_thread.hpp"
#include "actors/deadline_queue.hpp"
#include "tether/messages.hpp"

namespace tether {

namespace {

using time_point = caf::actor_clock::time_point;

struct timer_service_state {
  // One wake-up per actor, earliest first.
  detail::deadline_queue<caf::actor_addr> wakeups;
  // Every actor monitored, so that its entry goes when it dies.
  std::unordered_set<caf::actor_addr> monitored;
  // The service's own alarm; none in virtual time, where CAF's test clock
  // must drive it (and has no thread to deadlock).
  std::shared_ptr<detail::alarm_thread> alarm;

  static inline const char* name = "tether.timer_service";
};

using timer_service_actor = caf::stateful_actor<timer_service_state>;

caf::timespan to_epoch(time_point x) {
  return std::chrono::duration_cast<caf::timespan>(x.time_since_epoch());
}

time_point from_epoch(caf::timespan x) {
  return time_point{std::chrono::duration_cast<time_point::duration>(x)};
}

void schedule_alarm(timer_service_actor* self) {
  auto when = self->state.wakeups.alarm_needed();
  if (!when)
    return;
  if (self->state.alarm) {
    self->state.alarm->set(*when);
    return;
  }
  auto delay =
      std::max(*when - self->clock().now(), time_point::duration::zero());
  self->delayed_send(self, delay, timer_wake_atom::value, to_epoch(*when));
}

bool runs_in_virtual_time(caf::actor_system& sys) {
  return dynamic_cast<caf::detail::test_actor_clock*>(&sys.clock()) != nullptr;
}

caf::behavior timer_service(timer_service_actor* self,
                            std::shared_ptr<detail::alarm_thread> alarm) {
  self->state.alarm = std::move(alarm);
  self->set_down_handler([self](caf::down_msg& x) {
    self->state.wakeups.erase(x.source);
    self->state.monitored.erase(x.source);
  });
  return {
      [self](timer_arm_atom, caf::timespan when) {
        auto& st = self->state;
        auto who = caf::actor_cast<caf::actor_addr>(self->current_sender());
        if (!who)
          return;
        if (st.monitored.insert(who).second)
          self->monitor(caf::actor_cast<caf::actor>(who));
        st.wakeups.set(who, from_epoch(when));
        schedule_alarm(self);
      },
      [self](timer_wake_atom, caf::timespan) {
        auto& st = self->state;
        st.wakeups.alarm_fired();
        for (auto& who : st.wakeups.pop_due(self->clock().now()))
          if (auto target = caf::actor_cast<caf::actor>(who))
            caf::anon_send(target, timer_tick_atom::value);
        schedule_alarm(self);
      },
      [self](timer_count_atom) {
        return static_cast<uint64_t>(self->state.monitored.size());
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
  // The alarm's thread starts here, not when the actor first runs: a server
  // has all its threads once `start` returned.
  std::shared_ptr<detail::alarm_thread> alarm;
  if (!runs_in_virtual_time(sys))
    alarm = std::make_shared<detail::alarm_thread>();
  auto result = sys.spawn<caf::hidden>(timer_service, alarm);
  if (alarm)
    alarm->set_target(result.address());
  addr = result.address();
  return result;
}

} // namespace tether
