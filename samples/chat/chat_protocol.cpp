#include "chat/chat_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include <nlohmann/json.hpp>

namespace tether::chat {

namespace {

using json = nlohmann::json;
// Keeps "type" first in what the server sends, for people reading traffic.
using out_json = nlohmann::ordered_json;

// Decodes the next code point of `s` at `i` and moves `i` past it. A byte
// that does not start a valid sequence counts as one code point (U+FFFD):
// callers may pass text that did not come through the JSON parser.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto lead = byte(i);
  std::size_t len = lead < 0x80   ? 1
                    : lead < 0xC2 ? 0
                    : lead < 0xE0 ? 2
                    : lead < 0xF0 ? 3
                    : lead < 0xF5 ? 4
                                  : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  if (len == 1)
    return s[i++];
  char32_t cp = lead & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += len;
  return cp;
}

bool is_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Code points that let one nickname pass for another: Unicode's white space
// other than U+0020, and its default-ignorable code points, which are drawn
// as nothing (zero-width characters, bidi controls, the soft hyphen,
// variation selectors, tags). Sorted, for a binary search.
struct code_point_range {
  char32_t first;
  char32_t last;
};
constexpr code_point_range disguising_ranges[] = {
    {0x00A0, 0x00A0},   {0x00AD, 0x00AD},   {0x034F, 0x034F},
    {0x061C, 0x061C},   {0x115F, 0x1160},   {0x1680, 0x1680},
    {0x17B4, 0x17B5},   {0x180B, 0x180F},   {0x2000, 0x200F},
    {0x2028, 0x202F},   {0x205F, 0x206F},   {0x3000, 0x3000},
    {0x3164, 0x3164},   {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},
    {0xFFA0, 0xFFA0},   {0xFFF0, 0xFFF8},   {0x1BCA0, 0x1BCA3},
    {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
};

bool disguises_nick(char32_t cp) {
  auto after = std::upper_bound(
      std::begin(disguising_ranges), std::end(disguising_ranges), cp,
      [](char32_t x, const code_point_range& r) { return x < r.first; });
  return after != std::begin(disguising_ranges) && cp <= std::prev(after)->last;
}

// Whether arrays and objects in `text` nest deeper than `limit`; brackets
// inside strings do not count. One pass without allocation, so that a frame
// of brackets costs little more than reading it.
bool nests_deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (auto c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit)
        return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::string dump(const out_json& j) {
  // Replace, not throw: a server string that is not valid UTF-8 must not
  // take a connection down.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

refusal missing_or_mistyped(const char* field, bool missing,
                            std::optional<std::string> ref) {
  std::string what = missing ? " is missing" : " must be a string";
  return {chat_error::bad_field, std::string("`") + field + "`" + what,
          std::move(ref)};
}

// The string field `name` of `doc`, or why there is none.
std::variant<std::string, refusal>
string_field(const json& doc, const char* name,
             const std::optional<std::string>& ref) {
  auto i = doc.find(name);
  if (i == doc.end() || !i->is_string())
    return missing_or_mistyped(name, i == doc.end(), ref);
  return i->get<std::string>();
}

// Reads the optional `ref` first, so that every later refusal can echo it.
std::variant<std::optional<std::string>, refusal> read_ref(const json& doc) {
  auto i = doc.find("ref");
  if (i == doc.end())
    return std::optional<std::string>{};
  if (!i->is_string()
      || count_code_points(i->get_ref<const std::string&>()) > max_ref_chars)
    return refusal{chat_error::bad_field,
                   "`ref` must be a string of at most "
                       + std::to_string(max_ref_chars) + " characters",
                   std::nullopt};
  return std::optional<std::string>{i->get<std::string>()};
}

std::variant<request, refusal> parse_body(const json& doc,
                                          const std::string& type,
                                          std::optional<std::string> ref) {
  auto field = [&](const char* name) { return string_field(doc, name, ref); };
  auto refuse = [&](chat_error code, std::string message) {
    return refusal{code, std::move(message), ref};
  };
  if (type == "hello") {
    auto nick = field("nick");
    if (auto* r = std::get_if<refusal>(&nick))
      return *r;
    auto& n = std::get<std::string>(nick);
    if (auto problem = nick_problem(n); !problem.empty())
      return refuse(chat_error::bad_nick, problem);
    return request{hello_request{std::move(n)}, std::move(ref)};
  }
  if (type != "join" && type != "leave" && type != "say")
    return refuse(chat_error::bad_type,
                  "`type` must be hello, join, leave or say, not '" + type
                      + "'");
  auto room = field("room");
  if (auto* r = std::get_if<refusal>(&room))
    return *r;
  auto& name = std::get<std::string>(room);
  if (auto problem = room_problem(name); !problem.empty())
    return refuse(chat_error::bad_room, problem);
  if (type == "join")
    return request{join_request{std::move(name)}, std::move(ref)};
  if (type == "leave")
    return request{leave_request{std::move(name)}, std::move(ref)};
  auto text = field("text");
  if (auto* r = std::get_if<refusal>(&text))
    return *r;
  auto& t = std::get<std::string>(text);
  auto chars = count_code_points(t);
  if (chars == 0 || chars > max_text_chars)
    return refuse(chat_error::too_long,
                  "`text` must be 1 to " + std::to_string(max_text_chars)
                      + " characters, not " + std::to_string(chars));
  return request{say_request{std::move(name), std::move(t)}, std::move(ref)};
}

} // namespace

const char* to_string(chat_error x) {
  switch (x) {
  case chat_error::bad_json:
    return "bad_json";
  case chat_error::bad_type:
    return "bad_type";
  case chat_error::bad_field:
    return "bad_field";
  case chat_error::bad_nick:
    return "bad_nick";
  case chat_error::bad_room:
    return "bad_room";
  case chat_error::too_long:
    return "too_long";
  case chat_error::no_nick:
    return "no_nick";
  case chat_error::already_named:
    return "already_named";
  case chat_error::nick_taken:
    return "nick_taken";
  case chat_error::not_joined:
    return "not_joined";
  case chat_error::already_joined:
    return "already_joined";
  case chat_error::too_many_rooms:
    return "too_many_rooms";
  case chat_error::busy:
    return "busy";
  case chat_error::storage:
    return "storage";
  }
  return "unknown";
}

std::variant<request, refusal> parse_request(std::string_view text) {
  if (nests_deeper_than(text, max_json_depth))
    return refusal{chat_error::bad_json,
                   "the message nests arrays and objects deeper than "
                       + std::to_string(max_json_depth) + " levels",
                   std::nullopt};
  // The non-throwing parse also refuses invalid UTF-8 and lone surrogates,
  // so every string below is valid UTF-8.
  auto doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return refusal{chat_error::bad_json, "the message is not a JSON object",
                   std::nullopt};
  auto ref = read_ref(doc);
  if (auto* r = std::get_if<refusal>(&ref))
    return *r;
  auto& valid_ref = std::get<std::optional<std::string>>(ref);
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string())
    return refusal{chat_error::bad_type,
                   "`type` must be a string: hello, join, leave or say",
                   std::move(valid_ref)};
  return parse_body(doc, type->get<std::string>(), std::move(valid_ref));
}

std::size_t count_code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < utf8.size(); ++n)
    next_code_point(utf8, i);
  return n;
}

std::string nick_problem(std::string_view nick) {
  auto chars = count_code_points(nick);
  if (chars == 0 || chars > max_nick_chars)
    return "`nick` must be 1 to " + std::to_string(max_nick_chars)
           + " characters, not " + std::to_string(chars);
  for (std::size_t i = 0; i < nick.size();) {
    auto cp = next_code_point(nick, i);
    if (is_control(cp))
      return "`nick` must not contain control characters";
    if (disguises_nick(cp))
      return "`nick` must not contain invisible characters or spaces other "
             "than U+0020";
  }
  if (nick.front() == ' ' || nick.back() == ' ')
    return "`nick` must not start or end with a space";
  return {};
}

std::string room_problem(std::string_view room) {
  auto valid = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  if (room.empty() || room.size() > max_room_chars)
    return "`room` must be 1 to " + std::to_string(max_room_chars)
           + " characters";
  for (auto c : room)
    if (!valid(c))
      return "`room` may contain only A-Z, a-z, 0-9, _ and -";
  return {};
}

std::string encode_welcome(const std::string& nick) {
  return dump({{"type", "welcome"}, {"nick", nick}});
}

std::string encode_joined(const std::string& room,
                          const std::vector<std::string>& members,
                          const std::vector<stored_message>& history) {
  auto entries = out_json::array();
  for (auto& m : history)
    entries.push_back(
        {{"id", m.id}, {"nick", m.nick}, {"text", m.text}, {"ts", m.ts}});
  return dump({{"type", "joined"},
               {"room", room},
               {"members", members},
               {"history", std::move(entries)}});
}

std::string encode_left(const std::string& room) {
  return dump({{"type", "left"}, {"room", room}});
}

std::string encode_presence(const std::string& room, const std::string& nick,
                            presence_event event) {
  return dump({{"type", "presence"},
               {"room", room},
               {"nick", nick},
               {"event", event == presence_event::join ? "join" : "leave"}});
}

std::string encode_message(const std::string& room, const stored_message& m) {
  return dump({{"type", "message"},
               {"room", room},
               {"id", m.id},
               {"nick", m.nick},
               {"text", m.text},
               {"ts", m.ts}});
}

std::string encode_ack(const std::optional<std::string>& ref, int64_t id) {
  out_json j{{"type", "ack"}};
  if (ref)
    j["ref"] = *ref;
  j["id"] = id;
  return dump(j);
}

std::string encode_error(const refusal& r) {
  out_json j{
      {"type", "error"}, {"code", to_string(r.code)}, {"message", r.message}};
  if (r.ref)
    j["ref"] = *r.ref;
  return dump(j);
}

std::optional<int64_t> message_id_of(std::string_view message_json) {
  // `encode_message` writes "type", "room" and "id" first, and a valid room
  // name needs no escaping, so the id is found without parsing the rest:
  // a connection looks at the id of every message of its rooms.
  constexpr std::string_view head = R"({"type":"message","room":")";
  constexpr std::string_view id_key = R"(","id":)";
  if (message_json.substr(0, head.size()) != head)
    return std::nullopt;
  auto key = message_json.find(id_key, head.size());
  if (key == std::string_view::npos)
    return std::nullopt;
  auto first = message_json.data() + key + id_key.size();
  auto last = message_json.data() + message_json.size();
  int64_t id = 0;
  auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc{} || end == last || (*end != ',' && *end != '}'))
    return std::nullopt;
  return id;
}

} // namespace tether::chat
