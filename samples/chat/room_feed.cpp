#include "chat/room_feed.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace tether::chat {

room_feed::room_feed(std::string room) : room_(std::move(room)) {
  // nop
}

void room_feed::begin_loading() {
  loading_ = true;
  held_.clear();
  auto now = members();
  shown_ = std::set<std::string>(now.begin(), now.end());
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
  return {std::move(ev.data)};
}

std::vector<std::string>
room_feed::finish_loading(const std::vector<stored_message>& history) {
  std::vector<std::string> frames{encode_joined(room_, members(), history)};
  // Ids grow with every stored message, and a message is published only
  // after it was stored: one the history shows has an id up to its last.
  std::optional<int64_t> last_id;
  if (!history.empty())
    last_id = history.back().id;
  for (auto& ev : held_) {
    auto id = message_id_of(ev.data);
    if (ev.what == room_event::kind::message
        && !(id && last_id && *id <= *last_id))
      frames.push_back(std::move(ev.data));
  }
  held_.clear();
  loading_ = false;
  return frames;
}

std::vector<std::string> room_feed::abandon_loading() {
  std::vector<std::string> frames;
  auto now = members();
  for (auto& nick : now)
    if (shown_.count(nick) == 0)
      frames.push_back(encode_presence(room_, nick, presence_event::join));
  for (auto& nick : shown_)
    if (!std::binary_search(now.begin(), now.end(), nick))
      frames.push_back(encode_presence(room_, nick, presence_event::leave));
  for (auto& ev : held_)
    if (ev.what == room_event::kind::message)
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
