// The chat protocol's parser and encoders, against README.md: every refusal
// code, every limit exactly at and one over, code points versus bytes.
#include "chat/chat_protocol.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tether::chat;
using json = nlohmann::json;

namespace {

// The refusal for `text`; fails the test if it was accepted.
refusal refused(const std::string& text) {
  auto parsed = parse_request(text);
  INFO("request: " << text);
  REQUIRE(std::holds_alternative<refusal>(parsed));
  return std::get<refusal>(parsed);
}

request accepted(const std::string& text) {
  auto parsed = parse_request(text);
  INFO("request: " << text);
  if (auto* r = std::get_if<refusal>(&parsed))
    FAIL("refused with " << to_string(r->code) << ": " << r->message);
  return std::get<request>(parsed);
}

std::string hello(const std::string& nick) {
  return json{{"type", "hello"}, {"nick", nick}}.dump();
}

std::string say(const std::string& text) {
  return json{{"type", "say"}, {"room", "r"}, {"text", text}}.dump();
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

const std::string euro = "\xE2\x82\xAC";      // U+20AC: 3 bytes
const std::string emoji = "\xF0\x9F\x98\x80"; // U+1F600: 4 bytes
const std::string e_acute = "\xC3\xA9";       // U+00E9: 2 bytes

// `cp` in UTF-8.
std::string utf8(char32_t cp) {
  auto byte = [](char32_t bits) { return static_cast<char>(bits); };
  auto tail = [&](int shift) { return byte(0x80 | ((cp >> shift) & 0x3F)); };
  if (cp < 0x80)
    return {byte(cp)};
  if (cp < 0x800)
    return {byte(0xC0 | (cp >> 6)), tail(0)};
  if (cp < 0x10000)
    return {byte(0xE0 | (cp >> 12)), tail(6), tail(0)};
  return {byte(0xF0 | (cp >> 18)), tail(12), tail(6), tail(0)};
}

} // namespace

TEST_CASE("each request type parses into its fields") {
  auto h = accepted(R"({"type":"hello","nick":"ada"})");
  CHECK(std::get<hello_request>(h.body).nick == "ada");
  CHECK_FALSE(h.ref);
  auto j = accepted(R"({"type":"join","room":"lobby","ref":"1"})");
  CHECK(std::get<join_request>(j.body).room == "lobby");
  CHECK(j.ref == std::optional<std::string>{"1"});
  auto l = accepted(R"({"type":"leave","room":"Dev_ops-2"})");
  CHECK(std::get<leave_request>(l.body).room == "Dev_ops-2");
  auto s = accepted(R"({"type":"say","room":"r","text":"hi","ref":"x9"})");
  CHECK(std::get<say_request>(s.body).text == "hi");
  CHECK(s.ref == std::optional<std::string>{"x9"});
}

TEST_CASE("unknown fields are ignored") {
  auto h = accepted(R"({"type":"hello","nick":"ada","colour":[1,2]})");
  CHECK(std::get<hello_request>(h.body).nick == "ada");
}

TEST_CASE("text that is not a JSON object is bad_json") {
  for (auto text : {"", "hello", "{", R"({"type":"hello")", "[]", "42",
                    "\"hello\"", "null", "true", R"([{"type":"hello"}])",
                    R"({"type":"hello"} trailing)", "{'type':'hello'}"})
    CHECK(refused(text).code == chat_error::bad_json);
}

TEST_CASE("invalid UTF-8 and lone surrogates are bad_json") {
  CHECK(refused("{\"type\":\"hello\",\"nick\":\"a\xFF\"}").code
        == chat_error::bad_json);
  CHECK(refused("{\"type\":\"hello\",\"nick\":\"a\xC3\"}").code
        == chat_error::bad_json);
  CHECK(refused(R"({"type":"hello","nick":"\ud800"})").code
        == chat_error::bad_json);
}

TEST_CASE("deeply nested JSON is refused without a crash") {
  auto deep = repeat("[", 60000) + repeat("]", 60000);
  CHECK(refused(deep).code == chat_error::bad_json);
  auto inside = R"({"type":"hello","nick":"a","x":)" + deep + "}";
  CHECK(refused(inside).code == chat_error::bad_json);
}

TEST_CASE("JSON may nest 8 levels, not 9, brackets in strings aside") {
  // The request object is the first level, `x` holds the others.
  auto nested = [](std::size_t levels) {
    return R"({"type":"hello","nick":"ada","x":)" + repeat("[", levels - 1)
           + repeat("]", levels - 1) + "}";
  };
  accepted(nested(max_json_depth));
  auto r = refused(nested(max_json_depth + 1));
  CHECK(r.code == chat_error::bad_json);
  CHECK(r.message.find("deeper than 8") != std::string::npos);
  // Objects count as arrays do; closed ones do not add up.
  accepted(R"({"type":"hello","nick":"ada","x":)" + repeat("{\"a\":", 7) + "1"
           + repeat("}", 7) + R"(,"y":)" + repeat("[", 7) + repeat("]", 7)
           + "}");
  CHECK(refused(R"({"type":"hello","nick":"ada","x":)" + repeat("{\"a\":", 8)
                + "1" + repeat("}", 8) + "}")
            .code
        == chat_error::bad_json);
  // Inside strings, also after escaped quotes and backslashes.
  auto in_strings = R"({"type":"hello","nick":"[[[[[[[[[[","x":"\"[[[[[[[[[[",)"
                    R"("y":"\\","z":"{{{{{{{{{{\\\"[[[[[[[[[["})";
  CHECK(std::get<hello_request>(accepted(in_strings).body).nick
        == "[[[[[[[[[[");
  // An escaped backslash does not escape the quote after it: that quote
  // ends the string, and the next one opens a string again.
  accepted(R"({"type":"hello","nick":"a\\","x":"[[[[[[[[[["})");
}

TEST_CASE("a missing, mistyped or unknown type is bad_type") {
  for (auto text :
       {R"({})", R"({"nick":"ada"})", R"({"type":1})", R"({"type":null})",
        R"({"type":["hello"]})", R"({"type":"HELLO"})", R"({"type":"welcome"})",
        R"({"type":""})"})
    CHECK(refused(text).code == chat_error::bad_type);
}

TEST_CASE("a missing or mistyped field is bad_field") {
  for (auto text :
       {R"({"type":"hello"})", R"({"type":"hello","nick":7})",
        R"({"type":"hello","nick":null})", R"({"type":"join"})",
        R"({"type":"join","room":["a"]})", R"({"type":"leave","room":{}})",
        R"({"type":"say","room":"r"})", R"({"type":"say","text":"hi"})",
        R"({"type":"say","room":"r","text":false})"}) {
    auto r = refused(text);
    CHECK(r.code == chat_error::bad_field);
    CHECK_FALSE(r.message.empty());
  }
}

TEST_CASE("ref is echoed in refusals, and must be a short string") {
  auto r = refused(R"({"type":"say","room":"r","ref":"k1"})");
  CHECK(r.code == chat_error::bad_field);
  CHECK(r.ref == std::optional<std::string>{"k1"});
  CHECK(refused(R"({"type":"nope","ref":"k2"})").ref
        == std::optional<std::string>{"k2"});
  auto at_limit = json{
      {"type", "hello"}, {"nick", "a"}, {"ref", repeat(emoji, max_ref_chars)}};
  CHECK(accepted(at_limit.dump()).ref == repeat(emoji, max_ref_chars));
  auto over = at_limit;
  over["ref"] = repeat("r", max_ref_chars + 1);
  auto too_long = refused(over.dump());
  CHECK(too_long.code == chat_error::bad_field);
  CHECK_FALSE(too_long.ref);
  auto number = refused(R"({"type":"hello","nick":"a","ref":5})");
  CHECK(number.code == chat_error::bad_field);
  CHECK_FALSE(number.ref);
}

TEST_CASE("a nick has 1 to 24 code points, however many bytes") {
  CHECK_FALSE(accepted(hello(repeat("n", 24))).ref);
  CHECK(refused(hello(repeat("n", 25))).code == chat_error::bad_nick);
  CHECK(refused(hello("")).code == chat_error::bad_nick);
  // 24 four-byte code points are 96 bytes, still a valid nick.
  CHECK(std::get<hello_request>(accepted(hello(repeat(emoji, 24))).body).nick
        == repeat(emoji, 24));
  CHECK(refused(hello(repeat(emoji, 25))).code == chat_error::bad_nick);
  CHECK(refused(hello(repeat(e_acute, 25))).code == chat_error::bad_nick);
}

TEST_CASE("a nick has no control characters and no outer spaces") {
  for (auto nick : {std::string("a\tb"), std::string("a\nb"),
                    std::string("a\0b", 3), std::string("a\x7F"),
                    std::string("a\xC2\x85"), std::string("\x1B[31m")})
    CHECK(refused(hello(nick)).code == chat_error::bad_nick);
  CHECK(refused(hello(" ada")).code == chat_error::bad_nick);
  CHECK(refused(hello("ada ")).code == chat_error::bad_nick);
  CHECK(refused(hello(" ")).code == chat_error::bad_nick);
  // Inner spaces and non-ASCII letters are fine.
  accepted(hello("Ada Lovelace"));
  accepted(hello("J" + e_acute + "r" + euro + "me"));
}

TEST_CASE("a nick has no invisible characters and no odd spaces") {
  // "victim" and "victim" with a zero-width space must not both exist.
  auto with = [](char32_t cp) { return hello("victim" + utf8(cp)); };
  for (char32_t cp :
       {0x00A0, 0x00AD, 0x061C,  0x1680,  0x180E, 0x2000, 0x200A, 0x200B,
        0x200F, 0x2028, 0x2029,  0x202A,  0x202E, 0x202F, 0x205F, 0x2060,
        0x2064, 0x2066, 0x2069,  0x206F,  0x3000, 0x3164, 0xFE00, 0xFE0F,
        0xFEFF, 0xFFA0, 0xE0001, 0xE0041, 0xE0FFF}) {
    INFO("U+" << std::hex << static_cast<uint32_t>(cp));
    auto r = refused(with(cp));
    CHECK(r.code == chat_error::bad_nick);
    CHECK(r.message.find("invisible") != std::string::npos);
  }
  // Their visible neighbours are fine.
  for (char32_t cp :
       {0x00A1, 0x00AC, 0x00AE, 0x1681, 0x1FFF, 0x2010, 0x2027, 0x2030, 0x205E,
        0x2070, 0x2FFF, 0x3001, 0xFDFF, 0xFE10, 0xFEFE, 0xFF00, 0xE1000}) {
    INFO("U+" << std::hex << static_cast<uint32_t>(cp));
    accepted(with(cp));
  }
}

TEST_CASE("a room has 1 to 32 characters from A-Z a-z 0-9 _ -") {
  auto join = [](const std::string& room) {
    return json{{"type", "join"}, {"room", room}}.dump();
  };
  accepted(join(repeat("r", 32)));
  accepted(join("aZ09_-"));
  CHECK(refused(join(repeat("r", 33))).code == chat_error::bad_room);
  CHECK(refused(join("")).code == chat_error::bad_room);
  for (auto room : {"a b", "a.b", "a/b", "caf\xC3\xA9", "#lobby", "a:b"})
    CHECK(refused(join(room)).code == chat_error::bad_room);
  auto say_bad_room = json{{"type", "say"}, {"room", "a b"}, {"text", "t"}};
  CHECK(refused(say_bad_room.dump()).code == chat_error::bad_room);
}

TEST_CASE("a text has 1 to 2000 code points") {
  CHECK(std::get<say_request>(accepted(say(repeat("t", 2000))).body).text.size()
        == 2000);
  CHECK(refused(say(repeat("t", 2001))).code == chat_error::too_long);
  CHECK(refused(say("")).code == chat_error::too_long);
  // 2000 euro signs are 6000 bytes and fit; one more does not.
  accepted(say(repeat(euro, 2000)));
  CHECK(refused(say(repeat(euro, 2001))).code == chat_error::too_long);
  // Text may hold newlines and other control characters.
  accepted(say("line one\nline two\ttab"));
}

TEST_CASE("code points are counted, not bytes") {
  CHECK(count_code_points("") == 0);
  CHECK(count_code_points("abc") == 3);
  CHECK(count_code_points(euro + emoji + e_acute) == 3);
  // A stray byte counts as one replacement character.
  CHECK(count_code_points("a\xFF"
                          "b")
        == 3);
  CHECK(count_code_points("\xE2\x82") == 2);
}

TEST_CASE("messages to clients are JSON with the README's fields") {
  auto welcome = json::parse(encode_welcome("ada"));
  CHECK(welcome == json{{"type", "welcome"}, {"nick", "ada"}});

  std::vector<stored_message> history{{1, "ada", "hi", 1000},
                                      {2, "bob", "yo", 2000}};
  auto joined = json::parse(encode_joined("lobby", {"ada", "bob"}, history));
  CHECK(joined["type"] == "joined");
  CHECK(joined["room"] == "lobby");
  CHECK(joined["members"] == json{"ada", "bob"});
  CHECK(joined["history"][1]
        == json{{"id", 2}, {"nick", "bob"}, {"text", "yo"}, {"ts", 2000}});

  CHECK(json::parse(encode_left("lobby"))
        == json{{"type", "left"}, {"room", "lobby"}});
  CHECK(json::parse(encode_presence("lobby", "bob", presence_event::leave))
        == json{{"type", "presence"},
                {"room", "lobby"},
                {"nick", "bob"},
                {"event", "leave"}});
  auto message = encode_message("lobby", {7, "ada", "hi", 123});
  CHECK(json::parse(message)
        == json{{"type", "message"},
                {"room", "lobby"},
                {"id", 7},
                {"nick", "ada"},
                {"text", "hi"},
                {"ts", 123}});
  CHECK(message_id_of(message) == std::optional<int64_t>{7});
  CHECK(message_id_of("not json") == std::nullopt);
  // The id, not a lookalike in the text.
  CHECK(message_id_of(encode_message(
            "a-b_C9", {9007199254740993, "ada", R"(","id":1,")", 5}))
        == std::optional<int64_t>{9007199254740993});
  CHECK(message_id_of(encode_welcome("ada")) == std::nullopt);

  CHECK(json::parse(encode_ack(std::string("r1"), 7))
        == json{{"type", "ack"}, {"ref", "r1"}, {"id", 7}});
  CHECK(json::parse(encode_ack(std::nullopt, 7))
        == json{{"type", "ack"}, {"id", 7}});
  auto error = json::parse(
      encode_error({chat_error::not_joined, "not in room x", std::nullopt}));
  CHECK(error
        == json{{"type", "error"},
                {"code", "not_joined"},
                {"message", "not in room x"}});
}

TEST_CASE("encoding never throws on invalid UTF-8") {
  auto text = encode_message("r", {1, "ada", "bad \xFF byte", 0});
  CHECK(json::parse(text)["text"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("every error code has the README's name") {
  CHECK(std::string(to_string(chat_error::bad_json)) == "bad_json");
  CHECK(std::string(to_string(chat_error::already_joined)) == "already_joined");
  CHECK(std::string(to_string(chat_error::too_many_rooms)) == "too_many_rooms");
  CHECK(std::string(to_string(chat_error::storage)) == "storage");
}
