// What one connection receives from one room: live events from its
// subscription, held back while the connection's `joined` is prepared and
// then merged with the history it carries, and the room's members.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "chat/chat_protocol.hpp"

namespace tether::chat {

/// One event a subscription delivered.
struct room_event {
  enum class kind { message, member_joined, member_left };
  kind what;
  /// The complete `message` JSON, or the member's nickname.
  std::string data;
  /// The id of the subscription actor that delivered it.
  caf::actor_id source = 0;
};

/// A room's events for one connection.
///
/// A join subscribes first and reads the history after, so that no message
/// falls between the two; messages that arrive meanwhile are held and sent
/// after `joined`. A message the history shows, or one older than it, is
/// dropped, whether it arrives before or after `joined`.
///
/// Members are counted per nickname, because the hub announces
/// subscriptions, and for a moment one nickname may have two: a connection
/// that left and joined again before its old subscription was gone, or a
/// user reconnecting before the old connection's end reached the hub.
/// Presence is sent only when a nickname comes or goes for good; this
/// connection's own nickname never changes presence while it is in the
/// room. Events from any subscription but the current one are dropped.
class room_feed {
public:
  explicit room_feed(std::string room);

  const std::string& room() const { return room_; }

  /// Starts holding messages until `finish_loading`.
  void begin_loading();

  bool loading() const { return loading_; }

  /// The subscription whose events count, and the nicknames of every
  /// subscription of the room when it was made (its own included).
  void set_source(caf::actor_id source,
                  const std::vector<std::string>& members);

  /// A live event: the frames to send now (none while loading).
  std::vector<std::string> on_event(room_event ev);

  /// The `joined` frame with `history` and the members now, then the held
  /// messages newer than the history.
  std::vector<std::string>
  finish_loading(const std::vector<stored_message>& history);

  /// The members now, sorted.
  std::vector<std::string> members() const;

  /// Events held now.
  std::size_t held() const { return held_.size(); }

private:
  // Counts a presence event; returns the frame to send if the nickname
  // came or went for good.
  std::optional<std::string> count(const room_event& ev);

  // Whether the client has `message` from `joined`, or it is older than
  // the history `joined` carried.
  bool not_newer_than_history(const std::string& message) const;

  std::string room_;
  bool loading_ = false;
  std::optional<caf::actor_id> source_;
  // Subscriptions per nickname; only counts above zero are kept.
  std::map<std::string, int> members_;
  std::vector<room_event> held_;
  // The id of the last message in the history `joined` carried.
  std::optional<int64_t> history_end_;
};

} // namespace tether::chat
