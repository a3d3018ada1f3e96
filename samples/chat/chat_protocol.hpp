// The chat's JSON protocol (samples/chat/README.md): requests from clients,
// parsed and checked, and every message the server sends, encoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tether::chat {

// -- limits, in Unicode code points -------------------------------------------

constexpr std::size_t max_nick_chars = 24;
constexpr std::size_t max_room_chars = 32;
constexpr std::size_t max_text_chars = 2000;
constexpr std::size_t max_ref_chars = 64;

/// How deep arrays and objects may nest in a request. Requests need 1; the
/// parser would spend time on deeper text for nothing.
constexpr std::size_t max_json_depth = 8;

// -- requests -----------------------------------------------------------------

struct hello_request {
  std::string nick;
};

struct join_request {
  std::string room;
};

struct leave_request {
  std::string room;
};

struct say_request {
  std::string room;
  std::string text;
};

/// A request whose fields are all within their limits.
struct request {
  std::variant<hello_request, join_request, leave_request, say_request> body;
  /// The client's `ref`, echoed in the answer.
  std::optional<std::string> ref;
};

/// The `code` of an `error` message.
enum class chat_error {
  bad_json,
  bad_type,
  bad_field,
  bad_nick,
  bad_room,
  too_long,
  no_nick,
  already_named,
  nick_taken,
  not_joined,
  already_joined,
  too_many_rooms,
  busy,
  storage,
};

/// The code as the protocol spells it, e.g. "bad_json".
const char* to_string(chat_error x);

/// Why a request was refused; it had no effect.
struct refusal {
  chat_error code;
  /// For people, e.g. "nick must be 1 to 24 characters".
  std::string message;
  /// The request's `ref`, if it had a valid one.
  std::optional<std::string> ref;
};

/// Parses one text message from a client. Never throws on bad input.
std::variant<request, refusal> parse_request(std::string_view text);

// -- field checks, shared with tests
// -------------------------------------------

/// Code points in `utf8`, which must be valid UTF-8.
std::size_t count_code_points(std::string_view utf8);

/// Why `nick` is not a valid nickname, or an empty string if it is.
std::string nick_problem(std::string_view nick);

/// Why `room` is not a valid room name, or an empty string if it is.
std::string room_problem(std::string_view room);

// -- messages to clients ------------------------------------------------------

/// A stored chat message.
struct stored_message {
  int64_t id = 0;
  std::string nick;
  std::string text;
  /// Milliseconds since the Unix epoch.
  int64_t ts = 0;
};

enum class presence_event { join, leave };

std::string encode_welcome(const std::string& nick);

std::string encode_joined(const std::string& room,
                          const std::vector<std::string>& members,
                          const std::vector<stored_message>& history);

std::string encode_left(const std::string& room);

std::string encode_presence(const std::string& room, const std::string& nick,
                            presence_event event);

std::string encode_message(const std::string& room, const stored_message& m);

std::string encode_ack(const std::optional<std::string>& ref, int64_t id);

std::string encode_error(const refusal& r);

/// The `id` of a `message` that `encode_message` produced, if it has one.
std::optional<int64_t> message_id_of(std::string_view message_json);

} // namespace tether::chat
