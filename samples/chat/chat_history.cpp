#include "chat/chat_history.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace tether::chat {

std::vector<std::string> schema_statements() {
  // AUTOINCREMENT: ids are never reused, so a client's highest seen id
  // stays meaningful even if the newest messages were deleted.
  return {
      "CREATE TABLE IF NOT EXISTS messages ("
      "id INTEGER PRIMARY KEY AUTOINCREMENT, "
      "room TEXT NOT NULL, "
      "nick TEXT NOT NULL, "
      "text TEXT NOT NULL, "
      "ts INTEGER NOT NULL)",
      // The history query walks this index backwards from a room's end.
      "CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id)",
  };
}

statement insert_message(const std::string& room, const std::string& nick,
                         const std::string& text, int64_t ts) {
  return {"INSERT INTO messages (room, nick, text, ts) VALUES (?, ?, ?, ?)",
          {room, nick, text, ts}};
}

statement load_history(const std::string& room, std::size_t limit) {
  auto bounded = std::min<std::size_t>(
      limit, static_cast<std::size_t>(std::numeric_limits<int64_t>::max()));
  return {"SELECT id, nick, text, ts FROM ("
          "SELECT id, nick, text, ts FROM messages WHERE room = ? "
          "ORDER BY id DESC LIMIT ?) "
          "ORDER BY id",
          {room, static_cast<int64_t>(bounded)}};
}

std::vector<stored_message> history_from(const db_result& result,
                                         std::size_t& skipped) {
  std::vector<stored_message> out;
  out.reserve(result.rows.size());
  skipped = 0;
  for (auto& row : result.rows) {
    const int64_t* id =
        row.size() == 4 ? std::get_if<int64_t>(&row[0]) : nullptr;
    auto* nick = id ? std::get_if<std::string>(&row[1]) : nullptr;
    auto* text = nick ? std::get_if<std::string>(&row[2]) : nullptr;
    auto* ts = text ? std::get_if<int64_t>(&row[3]) : nullptr;
    if (!ts) {
      ++skipped;
      continue;
    }
    out.push_back(stored_message{*id, *nick, *text, *ts});
  }
  return out;
}

} // namespace tether::chat
