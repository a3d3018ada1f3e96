// How a joining connection merges live room events with the history, and
// how it counts members.
#include "chat/room_feed.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tether::chat;
using json = nlohmann::json;
using kind = room_event::kind;
using frames = std::vector<std::string>;

namespace {

std::string message(int64_t id) {
  return encode_message("r", {id, "bob", "m" + std::to_string(id), 0});
}

std::vector<stored_message> history(std::initializer_list<int64_t> ids) {
  std::vector<stored_message> out;
  for (auto id : ids)
    out.push_back({id, "bob", "m" + std::to_string(id), 0});
  return out;
}

// The frames in short: "joined", "message 6", "join cy", "leave cy".
frames summary(const frames& fs) {
  frames out;
  for (auto& f : fs) {
    auto j = json::parse(f);
    auto t = j["type"].get<std::string>();
    if (t == "message")
      t += " " + std::to_string(j["id"].get<int64_t>());
    if (t == "presence")
      t = j["event"].get<std::string>() + " " + j["nick"].get<std::string>();
    out.push_back(t);
  }
  return out;
}

json members_of(const std::string& joined) {
  return json::parse(joined)["members"];
}

// A feed whose first join finished, with subscription 7.
room_feed joined_feed(const std::vector<std::string>& members) {
  room_feed feed{"r"};
  feed.begin_loading();
  feed.set_source(7, members);
  feed.finish_loading({});
  return feed;
}

} // namespace

TEST_CASE("a joined room passes events on at once") {
  auto feed = joined_feed({"me"});
  CHECK(feed.on_event({kind::message, message(1), 7}) == frames{message(1)});
  CHECK(summary(feed.on_event({kind::member_joined, "cy", 7}))
        == frames{"join cy"});
  CHECK(summary(feed.on_event({kind::member_left, "cy", 7}))
        == frames{"leave cy"});
}

TEST_CASE("messages while loading come after joined, minus the history") {
  room_feed feed{"r"};
  feed.begin_loading();
  CHECK(feed.on_event({kind::message, message(4), 7}).empty());
  CHECK(feed.on_event({kind::message, message(5), 7}).empty());
  CHECK(feed.on_event({kind::message, message(6), 7}).empty());
  feed.set_source(7, {"bob", "me"});
  CHECK(feed.held() == 3);
  auto fs = feed.finish_loading(history({3, 4, 5}));
  CHECK(summary(fs) == frames{"joined", "message 6"});
  CHECK(members_of(fs[0]) == json{"bob", "me"});
  CHECK_FALSE(feed.loading());
  CHECK(feed.on_event({kind::message, message(7), 7}).size() == 1);
}

TEST_CASE("with an empty history every held message is news") {
  room_feed feed{"r"};
  feed.begin_loading();
  feed.on_event({kind::message, message(1), 7});
  feed.set_source(7, {"me"});
  CHECK(summary(feed.finish_loading({})) == frames{"joined", "message 1"});
}

TEST_CASE("presence while loading shows in the member list of joined") {
  room_feed feed{"r"};
  feed.begin_loading();
  feed.on_event({kind::member_joined, "cy", 7}); // before the source is known
  feed.set_source(7, {"ada", "bob", "me"});
  CHECK(feed.on_event({kind::member_left, "ada", 7}).empty());
  CHECK(feed.on_event({kind::member_left, "dan", 7}).empty()); // unknown
  auto fs = feed.finish_loading({});
  CHECK(summary(fs) == frames{"joined"});
  CHECK(members_of(fs[0]) == json{"bob", "cy", "me"});
}

TEST_CASE("a nickname with two subscriptions comes and goes only once") {
  // Bob's view while ada leaves and joins again faster than her old
  // subscription ends: join (old), join (new), leave (old).
  auto feed = joined_feed({"bob"});
  CHECK(summary(feed.on_event({kind::member_joined, "ada", 7}))
        == frames{"join ada"});
  CHECK(feed.on_event({kind::member_joined, "ada", 7}).empty());
  CHECK(feed.on_event({kind::member_left, "ada", 7}).empty());
  CHECK(feed.members() == frames{"ada", "bob"});
  CHECK(summary(feed.on_event({kind::member_left, "ada", 7}))
        == frames{"leave ada"});
}

TEST_CASE("a connection never hears presence about its own nickname") {
  // Ada's new subscription sees her old one, listed at subscribe, end.
  auto feed = joined_feed({"ada", "ada", "bob"});
  CHECK(feed.on_event({kind::member_left, "ada", 7}).empty());
  CHECK(feed.members() == frames{"ada", "bob"});
}

TEST_CASE("events of an earlier subscription are dropped") {
  room_feed feed{"r"};
  feed.begin_loading();
  feed.on_event({kind::message, message(3), 5}); // the old subscription
  feed.on_event({kind::member_left, "bob", 5});
  feed.on_event({kind::message, message(4), 7});
  feed.set_source(7, {"bob", "me"});
  CHECK(feed.held() == 1);
  auto fs = feed.finish_loading({});
  CHECK(summary(fs) == frames{"joined", "message 4"});
  CHECK(members_of(fs[0]) == json{"bob", "me"});
  CHECK(feed.on_event({kind::message, message(9), 5}).empty());
  CHECK(feed.on_event({kind::member_left, "bob", 5}).empty());
}

TEST_CASE("a message the history shows is dropped after joined too") {
  // Published late, e.g. by a sender whose publish waited: 4 and 5 were
  // stored before the history was read, so the client has them already.
  room_feed feed{"r"};
  feed.begin_loading();
  feed.set_source(7, {"bob", "me"});
  CHECK(summary(feed.finish_loading(history({3, 4, 5}))) == frames{"joined"});
  CHECK(feed.on_event({kind::message, message(5), 7}).empty());
  CHECK(feed.on_event({kind::message, message(4), 7}).empty());
  // Older than the history shows: not news either.
  CHECK(feed.on_event({kind::message, message(1), 7}).empty());
  CHECK(summary(feed.on_event({kind::message, message(6), 7}))
        == frames{"message 6"});
}

TEST_CASE("after an empty history every live message is news") {
  auto feed = joined_feed({"me"});
  CHECK(summary(feed.on_event({kind::message, message(1), 7}))
        == frames{"message 1"});
}
