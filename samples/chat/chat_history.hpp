// The chat's SQL: the schema, storing a message and reading a room's
// history, with the conversions between rows and messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chat/chat_protocol.hpp"
#include "tether/database.hpp"

namespace tether::chat {

/// One statement with its parameters.
struct statement {
  std::string sql;
  db_params params;
};

/// Creates the messages table and its index if they do not exist yet; for
/// `sqlite_pool_config::setup`.
std::vector<std::string> schema_statements();

/// Stores one message; the result's `last_insert_id` is its id.
statement insert_message(const std::string& room, const std::string& nick,
                         const std::string& text, int64_t ts);

/// Reads the last `limit` messages of `room`, oldest first.
statement load_history(const std::string& room, std::size_t limit);

/// The messages in the rows of `load_history`. A row of unexpected shape is
/// skipped and counted in `skipped`.
std::vector<stored_message> history_from(const db_result& result,
                                         std::size_t& skipped);

} // namespace tether::chat
