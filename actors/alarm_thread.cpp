#include "actors/alarm_thread.hpp"

#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "tether/messages.hpp"

namespace tether::detail {

alarm_thread::alarm_thread() : shared_(std::make_shared<shared>()) {
  thread_ = std::thread([s = shared_] { run(*s); });
}

void alarm_thread::set_target(caf::actor_addr target) {
  std::lock_guard<std::mutex> guard{shared_->mtx};
  shared_->target = std::move(target);
}

alarm_thread::~alarm_thread() {
  {
    std::lock_guard<std::mutex> guard{shared_->mtx};
    shared_->stopping = true;
  }
  shared_->wake.notify_one();
  if (thread_.get_id() == std::this_thread::get_id())
    thread_.detach();
  else
    thread_.join();
}

void alarm_thread::set(time_point when) {
  {
    std::lock_guard<std::mutex> guard{shared_->mtx};
    shared_->due = when;
  }
  shared_->wake.notify_one();
}

void alarm_thread::run(shared& s) {
  std::unique_lock<std::mutex> guard{s.mtx};
  for (;;) {
    if (s.stopping)
      return;
    if (!s.due) {
      s.wake.wait(guard);
      continue;
    }
    auto when = *s.due;
    if (caf::actor_clock::clock_type::now() < when) {
      s.wake.wait_until(guard, when);
      continue;
    }
    s.due.reset();
    auto target = caf::actor_cast<caf::actor>(s.target);
    guard.unlock();
    if (target)
      caf::anon_send(
          target, timer_wake_atom::value,
          std::chrono::duration_cast<caf::timespan>(when.time_since_epoch()));
    // May drop the target's last reference and destroy it here, which
    // destroys this thread's owner: touch nothing but `s` from now on.
    target = nullptr;
    guard.lock();
  }
}

} // namespace tether::detail
