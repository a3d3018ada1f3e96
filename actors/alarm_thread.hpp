// Wakes one actor at the time it asks for, from a thread of its own that
// holds only the actor's address.
//
// Why not CAF's clock (`delayed_send`): in CAF 0.17 the clock holds a strong
// reference to the receiver of a delayed message. When that message is the
// receiver's last reference, the actor is destroyed on the clock's thread,
// and its cleanup pushes to the clock's own bounded queue; with the queue
// full, as when thousands of actors end at once, the clock thread waits for
// itself forever. (Seen: 1,000 chat clients reset at once hung the process.)
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>

namespace tether::detail {

class alarm_thread {
public:
  using time_point = caf::actor_clock::time_point;

  /// Starts the thread, so that it exists before the actor it will wake.
  alarm_thread();

  /// Stops the thread. Safe on the thread itself, where sending the wake-up
  /// may have dropped the target's last reference.
  ~alarm_thread();

  alarm_thread(const alarm_thread&) = delete;
  alarm_thread& operator=(const alarm_thread&) = delete;

  /// The actor that gets `(timer_wake_atom, when)` messages.
  void set_target(caf::actor_addr target);

  /// Wakes the target at `when`, instead of at the time set before.
  void set(time_point when);

private:
  // Shared with the thread, which may outlive this object.
  struct shared {
    std::mutex mtx;
    std::condition_variable wake;
    std::optional<time_point> due;
    bool stopping = false;
    caf::actor_addr target;
  };

  static void run(shared& s);

  std::shared_ptr<shared> shared_;
  std::thread thread_;
};

} // namespace tether::detail
