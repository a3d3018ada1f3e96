#include "chat/room_feed.hpp"

#include <utility>

namespace tether::chat {

room_feed::room_feed(std::string room) : room_(std::move(room)) {
  // nop
}

void room_feed::begin_loading() {
  loading_ = true;
  held_.clear();
}

void room_feed::set_source(caf::actor_id source,
                           const std::vector<std::string>& members) {
  source_ = source;
  members_.clear();
  for (auto& nick : members)
    ++members_[nick];
  // What the subscription delivered before its id was known happened
  // after the member list was taken; the rest came from an earlier one.
  auto held = std::move(held_);
  held_.clear();
  for (auto& ev : held)
    if (ev.source == source)
      on_event(std::move(ev));
}

std::optional<std::string> room_feed::count(const room_event& ev) {
  if (ev.what == room_event::kind::member_joined) {
    if (++members_[ev.data] == 1)
      return encode_presence(room_, ev.data, presence_event::join);
    return std::nullopt;
  }
  auto i = members_.find(ev.data);
  if (i == members_.end())
    return std::nullopt;
  if (--i->second > 0)
    return std::nullopt;
  members_.erase(i);
  return encode_presence(room_, ev.data, presence_event::leave);
}

std::vector<std::string> room_feed::on_event(room_event ev) {
  // Until the subscribe reply names the source, anything may be from it.
  if (!source_) {
    held_.push_back(std::move(ev));
    return {};
  }
  if (ev.source != *source_)
    return {};
  if (ev.what != room_event::kind::message) {
    // While loading, the change shows in the member list of `joined`.
    auto frame = count(ev);
    if (frame && !loading_)
      return {std::move(*frame)};
    return {};
  }
  if (loading_) {
    held_.push_back(std::move(ev));
    return {};
  }
  if (not_newer_than_history(ev.data))
    return {};
  return {std::move(ev.data)};
}

bool room_feed::not_newer_than_history(const std::string& message) const {
  if (!history_end_)
    return false;
  auto id = message_id_of(message);
  return id && *id <= *history_end_;
}

std::vector<std::string>
room_feed::finish_loading(const std::vector<stored_message>& history) {
  std::vector<std::string> frames{encode_joined(room_, members(), history)};
  // SQLite runs one write transaction at a time and assigns the id inside
  // it, so messages commit in id order: one with an id up to the
  // history's last committed before the history was read. It is in the
  // history or older than it, even if its publish comes after `joined`.
  if (!history.empty())
    history_end_ = history.back().id;
  for (auto& ev : held_)
    if (ev.what == room_event::kind::message
        && !not_newer_than_history(ev.data))
      frames.push_back(std::move(ev.data));
  held_.clear();
  loading_ = false;
  return frames;
}

std::vector<std::string> room_feed::members() const {
  std::vector<std::string> out;
  out.reserve(members_.size());
  for (auto& kvp : members_)
    out.push_back(kvp.first);
  return out;
}

} // namespace tether::chat
