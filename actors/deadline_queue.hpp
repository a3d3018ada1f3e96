// Deadlines keyed by K, earliest first, behind a single wake-up.
//
// An actor that owns many deadlines (the timer service, the supervisor's
// handshakes) keeps them here and asks for one wake-up, at the earliest. A
// met deadline is erased at once and leaves nothing scheduled behind; a
// new request for a wake-up replaces the one asked before.
#pragma once

#include <map>
#include <optional>
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

  /// Whether a wake-up must be asked for so that the owner wakes by the
  /// earliest deadline; if so, records it as asked. A later deadline needs
  /// none: the earlier wake-up finds nothing due and asks again. Call after
  /// changes.
  std::optional<time_point> alarm_needed() {
    auto when = next();
    if (!when || (alarm_ && *alarm_ <= *when))
      return std::nullopt;
    alarm_ = when;
    return when;
  }

  /// The wake-up asked for went off.
  void alarm_fired() { alarm_.reset(); }

private:
  std::multimap<time_point, K> queue_;
  std::unordered_map<K, typename std::multimap<time_point, K>::iterator> index_;
  std::optional<time_point> alarm_;
};

} // namespace tether::detail
