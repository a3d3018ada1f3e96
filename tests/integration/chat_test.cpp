// The chat sample with real clients on 127.0.0.1: however its clients go,
// their sessions, subscriptions and database leases go with them, and what
// the database acknowledged stays.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <caf/actor_system_config.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "chat/chat_app.hpp"
#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;
using tether::test::eventually;
using tether::test::ws_client;

namespace {

std::string temp_db(const char* name) {
  auto path = std::string{"/tmp/tether-chat-test-"} + std::to_string(::getpid())
              + "-" + name;
  for (auto suffix : {"", "-wal", "-shm"})
    std::remove((path + suffix).c_str());
  return path;
}

// One chat user on a Beast client.
class chat_client {
public:
  chat_client(asio::io_context& ioc, uint16_t port) : ws_(ioc, port, "/chat") {}

  void send(const json& msg) { ws_.send_text(msg.dump()); }

  // Reads until a message of `type` arrives; presence and room messages on
  // the way are skipped.
  json await(const std::string& type) {
    for (int i = 0; i < 10000; ++i) {
      auto msg = json::parse(ws_.read());
      if (msg.at("type") == type)
        return msg;
      if (msg.at("type") == "error")
        throw std::runtime_error("chat error: " + msg.dump());
    }
    throw std::runtime_error("no '" + type + "' in 10000 messages");
  }

  void hello(const std::string& nick) {
    send({{"type", "hello"}, {"nick", nick}});
    await("welcome");
  }

  json join(const std::string& room) {
    send({{"type", "join"}, {"room", room}});
    return await("joined");
  }

  int64_t say(const std::string& room, const std::string& text) {
    send({{"type", "say"}, {"room", room}, {"text", text}, {"ref", text}});
    return await("ack").at("id").get<int64_t>();
  }

  ws_client& ws() { return ws_; }

private:
  ws_client ws_;
};

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{tether::test::recommended(cfg)};
  tether::chat::chat_options opts;
  std::unique_ptr<tether::chat::chat_app> app;
  asio::io_context ioc;

  void start(const std::string& db_path) {
    opts.server.port = 0;
    opts.db_path = db_path;
    app = std::make_unique<tether::chat::chat_app>(sys, opts);
    app->start();
  }

  uint16_t port() { return app->server().port(); }

  tether::resource_counts resources() {
    return app->server().counts().resources;
  }

  bool all_released() {
    auto n = resources();
    return n.sessions == 0 && n.subscriptions == 0 && n.topics == 0
           && n.leases == 0 && n.lease_waiters == 0
           && n.pool_idle == opts.db_connections
           && n.pool_size == opts.db_connections;
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "1000 chat clients dropped by TCP reset leave no "
                          "session, subscription or lease, and the history") {
  constexpr int clients = 1000;
  constexpr int rooms = 10;
  start(temp_db("reset.db"));
  REQUIRE(all_released());
  std::vector<std::unique_ptr<chat_client>> users;
  // Acknowledged message ids by room.
  std::map<std::string, std::vector<int64_t>> acked;
  for (int i = 0; i < clients; ++i) {
    users.push_back(std::make_unique<chat_client>(ioc, port()));
    auto& u = *users.back();
    auto room = "room" + std::to_string(i % rooms);
    u.hello("user" + std::to_string(i));
    u.join(room);
    // One in seven says something and waits for the acknowledgement.
    if (i % 7 == 0)
      acked[room].push_back(u.say(room, "message " + std::to_string(i)));
  }
  auto held = resources();
  CHECK(held.sessions == clients);
  CHECK(held.subscriptions == clients);
  CHECK(held.topics == rooms);
  // The last hundred send one more message and vanish before its answer,
  // so some leases are held, or requested, when the resets arrive.
  for (int i = clients - 100; i < clients; ++i)
    users[i]->send({{"type", "say"},
                    {"room", "room" + std::to_string(i % rooms)},
                    {"text", "last words"}});
  for (auto& u : users)
    u->ws().reset();
  users.clear();
  REQUIRE(eventually([&] { return app->server().counts().live == 0; }, 30s));
  CHECK(eventually([&] { return all_released(); }));
  auto n = resources();
  CHECK(n.sessions == 0);
  CHECK(n.subscriptions == 0);
  CHECK(n.topics == 0);
  CHECK(n.leases == 0);
  CHECK(n.pool_idle == opts.db_connections);
  // The history kept every acknowledged message.
  chat_client late{ioc, port()};
  late.hello("late");
  REQUIRE(acked.size() == rooms);
  for (auto& [room, ids] : acked) {
    // 15 acknowledged and at most 10 unacknowledged messages per room: all
    // fit in the 50 of a `joined`.
    auto joined = late.join(room);
    std::set<int64_t> history;
    for (auto& m : joined.at("history"))
      history.insert(m.at("id").get<int64_t>());
    for (auto id : ids)
      CHECK(history.count(id) == 1);
  }
}

TEST_CASE_METHOD(fixture, "chat clients that close, go silent or are shut "
                          "down release everything") {
  opts.server.connection.ping_interval = 200ms;
  opts.server.connection.pong_timeout = 200ms;
  start(":memory:");
  auto connect_all = [&](int n, const std::string& prefix) {
    std::vector<std::unique_ptr<chat_client>> result;
    for (int i = 0; i < n; ++i) {
      result.push_back(std::make_unique<chat_client>(ioc, port()));
      result.back()->hello(prefix + std::to_string(i));
      result.back()->join("lobby");
      result.back()->say("lobby", "hi from " + prefix + std::to_string(i));
    }
    REQUIRE(resources().sessions == static_cast<uint64_t>(n));
    return result;
  };
  SECTION("a close handshake") {
    auto users = connect_all(20, "closer");
    for (auto& u : users)
      u->ws().close(1000);
  }
  SECTION("silence: no pong, the heartbeat drops them") {
    // The Beast client answers pings only while it reads; these never read.
    auto users = connect_all(20, "silent");
    REQUIRE(eventually([&] { return app->server().counts().live == 0; }));
    auto n = app->server().counts();
    CHECK(n.ended_with(tether::conn_exit::heartbeat_timeout) == 20);
  }
  SECTION("a protocol violation: binary data") {
    auto users = connect_all(20, "binary");
    for (auto& u : users) {
      u->ws().send_binary({1, 2, 3});
      auto close = u->ws().read_until_close();
      REQUIRE(close);
      CHECK(close->first == 1003);
    }
  }
  SECTION("the server stops") {
    auto users = connect_all(20, "stopped");
    app->stop();
    // The services ended too, and with them the pool's connections.
    auto n = resources();
    CHECK(n.sessions == 0);
    CHECK(n.subscriptions == 0);
    CHECK(n.topics == 0);
    CHECK(n.leases == 0);
    // The pool closes its connections once its exit message arrived.
    CHECK(eventually([&] { return resources().pool_size == 0; }));
    return;
  }
  REQUIRE(eventually([&] { return app->server().counts().live == 0; }));
  CHECK(eventually([&] { return all_released(); }));
}

TEST_CASE_METHOD(fixture, "the chat refuses pages of other sites with 403") {
  start(":memory:");
  auto host = "127.0.0.1:" + std::to_string(port());
  auto upgrade_from = [&](const std::string& origin) {
    auto socket = tether::test::raw_connect(ioc, port());
    asio::write(socket,
                asio::buffer("GET /chat HTTP/1.1\r\nHost: " + host
                             + "\r\nUpgrade: websocket\r\n"
                               "Connection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\nOrigin: "
                             + origin + "\r\n\r\n"));
    char status[12];
    asio::read(socket, asio::buffer(status));
    return std::string(status, sizeof status);
  };
  CHECK(upgrade_from("http://evil.example") == "HTTP/1.1 403");
  CHECK(upgrade_from("http://" + host) == "HTTP/1.1 101");
}
