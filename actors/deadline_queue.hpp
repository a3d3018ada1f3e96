// Deadlines keyed by K, earliest first, behind a single actor alarm.
//
// An actor that owns many deadlines (the timer service, the supervisor's
// handshakes) keeps them here and schedules one `delayed_send` to itself
// for the earliest. In CAF 0.17 a scheduled message cannot be cancelled, so
// one per deadline would outlive every deadline that was met; with this,
// a met deadline is erased at once and only the owner's own alarms wait in
// the clock (one, plus at most a few for deadlines that moved earlier).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include <caf/actor_clock.hpp>

namespace tether::detail {

template <class K>
class deadline_queue {
public:
  using time_point = caf::actor_clock::time_point;

  /// Sets or moves the deadline of `key`.
  void set(const K& key, time_point when) {
    erase(key);
    index_.emplace(key, queue_.emplace(when, key));
  }

  /// Forgets the deadline of `key`, if any.
  void erase(const K& key) {
    auto i = index_.find(key);
    if (i == index_.end())
      return;
    queue_.erase(i->second);
    index_.erase(i);
  }

  /// Removes and returns every key whose deadline is at or before `now`.
  std::vector<K> pop_due(time_point now) {
    std::vector<K> result;
    while (!queue_.empty() && queue_.begin()->first <= now) {
      result.push_back(queue_.begin()->second);
      index_.erase(queue_.begin()->second);
      queue_.erase(queue_.begin());
    }
    return result;
  }

  /// The earliest deadline, if any.
  std::optional<time_point> next() const {
    if (queue_.empty())
      return std::nullopt;
    return queue_.begin()->first;
  }

  bool contains(const K& key) const { return index_.count(key) != 0; }

  std::size_t size() const { return index_.size(); }

  /// Whether an alarm must be scheduled so that the owner wakes by the
  /// earliest deadline; if so, records it as scheduled. Call after changes.
  std::optional<time_point> alarm_needed() {
    auto when = next();
    if (!when || (!alarms_.empty() && *alarms_.begin() <= *when))
      return std::nullopt;
    alarms_.insert(*when);
    return when;
  }

  /// An alarm scheduled for `when` went off.
  void alarm_fired(time_point when) { alarms_.erase(when); }

private:
  std::multimap<time_point, K> queue_;
  std::unordered_map<K, typename std::multimap<time_point, K>::iterator> index_;
  std::set<time_point> alarms_;
};

} // namespace tether::detail
