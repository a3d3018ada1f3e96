// One chat connection against README.md, on tether's test kit: real session
// registry and topic hub, a database kept in memory, virtual time.
#include "chat/chat_connection.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "chat/chat_app.hpp"
#include "chat/chat_history.hpp"
#include "tether/database.hpp"
#include "tether/session.hpp"
#include "tether/testing.hpp"
#include "tether/topic_hub.hpp"

using namespace tether::chat;
using namespace std::chrono_literals;
using json = nlohmann::json;
using tether::testing::fake_transport;
using frames = std::vector<std::string>;

namespace {

// The messages table in memory, and how often a history was read.
struct fake_db {
  std::vector<std::pair<std::string, stored_message>> messages;
  int history_reads = 0;

  tether::db_result exec(const std::string& sql,
                         const tether::db_params& params) {
    tether::db_result result;
    auto text = [&](std::size_t i) { return std::get<std::string>(params[i]); };
    if (sql == insert_message("", "", "", 0).sql) {
      auto id = static_cast<int64_t>(messages.size()) + 1;
      messages.push_back({text(0), {id, text(1), text(2), 0}});
      result.last_insert_id = id;
      return result;
    }
    ++history_reads;
    for (auto& [room, m] : messages)
      if (room == text(0))
        result.rows.push_back({m.id, m.nick, m.text, m.ts});
    return result;
  }
};

// A pool that is its own lease. SQLite's worker threads would post results
// to the test scheduler from outside; this answers on it.
caf::behavior fake_pool(caf::event_based_actor* self,
                        std::shared_ptr<fake_db> db) {
  return {
      [self](tether::lease_acquire_atom) {
        return caf::actor_cast<caf::actor>(self);
      },
      [db](tether::db_exec_atom, const std::string& sql,
           const tether::db_params& params) { return db->exec(sql, params); },
      [](tether::lease_release_atom) {
        // nop
      },
  };
}

// One user: what it sends, and what it received since the last look.
class user {
public:
  std::shared_ptr<fake_transport> transport() const { return t_; }

  void send(const json& request) { t_->peer_text(request.dump()); }

  // The frames received since the last call, in short: "joined",
  // "message 3", "error already_joined".
  frames news() {
    frames out;
    auto texts = t_->sent_texts();
    for (; seen_ < texts.size(); ++seen_) {
      auto j = json::parse(texts[seen_]);
      auto t = j.at("type").get<std::string>();
      if (t == "message")
        t += " " + std::to_string(j.at("id").get<int64_t>());
      if (t == "error")
        t += " " + j.at("code").get<std::string>();
      out.push_back(t);
    }
    return out;
  }

private:
  std::shared_ptr<fake_transport> t_ = std::make_shared<fake_transport>();
  std::size_t seen_ = 0;
};

struct fixture : tether::testing::fixture {
  std::shared_ptr<fake_db> db = std::make_shared<fake_db>();
  chat_services services;
  tether::connection_settings settings = chat_server_defaults().connection;
  tether::conn_id next_id = 1;

  fixture() {
    services.sessions = tether::spawn_session_registry(sys());
    services.hub = tether::spawn_topic_hub(sys());
    services.pool = sys().spawn(fake_pool, db);
    for (auto* service : {&services.sessions, &services.hub, &services.pool})
      track(*service);
  }

  caf::actor connect(user& u) {
    auto factory = [s = services](tether::connection& c) {
      return chat_handlers(c, s);
    };
    return spawn_connection(u.transport(), factory, settings, next_id++);
  }

  // Connects `u`, names it `nick` and joins `room`.
  caf::actor enter(user& u, const std::string& nick, const std::string& room) {
    auto conn = connect(u);
    u.send({{"type", "hello"}, {"nick", nick}});
    u.send({{"type", "join"}, {"room", room}});
    run();
    REQUIRE(u.news() == frames{"welcome", "joined"});
    return conn;
  }
};

json join(const std::string& room) {
  return {{"type", "join"}, {"room", room}};
}

} // namespace

TEST_CASE_METHOD(fixture, "a join of a room joined or being joined is "
                          "refused, without reading the history again") {
  user ada;
  connect(ada);
  ada.send({{"type", "hello"}, {"nick", "ada"}});
  ada.send(join("lobby"));
  ada.send(join("lobby"));
  run();
  CHECK(ada.news() == frames{"welcome", "error already_joined", "joined"});
  CHECK(db->history_reads == 1);
  ada.send(join("lobby"));
  run();
  CHECK(ada.news() == frames{"error already_joined"});
  CHECK(db->history_reads == 1);
  // Leaving and joining again shows the history again.
  ada.send({{"type", "leave"}, {"room", "lobby"}});
  ada.send(join("lobby"));
  run();
  CHECK(ada.news() == frames{"left", "joined"});
  CHECK(db->history_reads == 2);
}

TEST_CASE_METHOD(fixture, "a say and at once a leave get left and ack, and "
                          "no message") {
  user ada;
  user bob;
  enter(ada, "ada", "lobby");
  enter(bob, "bob", "lobby");
  CHECK(ada.news() == frames{"presence"});
  ada.send({{"type", "say"}, {"room", "lobby"}, {"text", "bye"}});
  ada.send({{"type", "leave"}, {"room", "lobby"}});
  run();
  CHECK(ada.news() == frames{"left", "ack"});
  // Stored and heard by the others all the same.
  auto bob_heard = bob.news();
  std::sort(bob_heard.begin(), bob_heard.end());
  CHECK(bob_heard == frames{"message 1", "presence"});
}

TEST_CASE_METHOD(fixture, "a user who only reads stays connected") {
  user ada;
  auto conn = enter(ada, "ada", "lobby");
  // Ten minutes without a message from the client; it answers pings.
  for (int i = 0; i < 30; ++i) {
    advance(settings.ping_interval);
    ada.transport()->peer_pong_last();
    run();
  }
  CHECK(ada.transport()->pings().size() == 30);
  CHECK_FALSE(exited(conn));
  CHECK_FALSE(ada.transport()->close_sent());
}
