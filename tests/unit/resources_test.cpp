// Sessions, subscriptions and database leases end with the connection that
// holds them, whatever ends it; virtual time, fake transports.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include "tether/database.hpp"
#include "tether/messages.hpp"
#include "tether/resource_error.hpp"
#include "tether/session.hpp"
#include "tether/supervisor.hpp"
#include "tether/testing.hpp"
#include "tether/topic_hub.hpp"

using namespace std::chrono_literals;
using tether::conn_exit;
using tether::resource_counts;
using tether::testing::fake_transport;

namespace {

// What one connection obtained from the services, and what it heard.
struct holdings {
  caf::actor connection;
  caf::actor session;
  caf::actor subscription;
  caf::actor lease;
  std::vector<std::string> members;
  std::vector<std::string> heard;
  std::vector<std::string> errors;
};

using holdings_ptr = std::shared_ptr<holdings>;

// Ends `target` as if it had failed (anon_send_exit takes only CAF's own
// exit reasons).
void fail(const caf::actor& target) {
  caf::anon_send(target,
                 caf::exit_msg{target.address(),
                               caf::make_error(caf::sec::runtime_error)});
}

tether::server_config test_config() {
  tether::server_config cfg;
  cfg.connection.ping_interval = 1s;
  cfg.connection.pong_timeout = 1s;
  cfg.connection.idle_timeout = 0s;
  cfg.connection.write_timeout = 3s;
  cfg.connection.close_timeout = 2s;
  return cfg;
}

struct fixture : tether::testing::fixture {
  tether::resource_gauges_ptr gauges =
      std::make_shared<tether::resource_gauges>();
  caf::actor registry = tether::spawn_session_registry(sys(), gauges);
  caf::actor hub = tether::spawn_topic_hub(sys(), gauges);
  caf::actor pool = tether::spawn_sqlite_pool(sys(), pool_config(), gauges);
  tether::server_config cfg = test_config();
  caf::actor sup;
  std::vector<holdings_ptr> held;
  std::vector<std::shared_ptr<fake_transport>> transports;

  fixture() {
    track(registry);
    track(hub);
    track(pool);
  }

  static tether::sqlite_pool_config pool_config() {
    tether::sqlite_pool_config result;
    result.connections = 2;
    result.max_waiting = 1;
    result.acquire_timeout = 500ms;
    return result;
  }

  // Every connection opens a session, joins "room" and leases a database
  // connection as soon as it starts; it echoes text, and "throw" throws.
  tether::handler_factory holder() {
    return [this](tether::connection& c) {
      auto h = std::make_shared<holdings>();
      held.push_back(h);
      auto self = c.self();
      h->connection = caf::actor_cast<caf::actor>(self);
      track(h->connection);
      auto name = "user" + std::to_string(c.id());
      self->request(registry, caf::infinite, tether::session_open_atom::value,
                    name, std::map<std::string, std::string>{})
          .then([this, h](caf::actor& s) {
            h->session = s;
            track(s);
          });
      self->request(hub, caf::infinite, tether::subscribe_atom::value,
                    std::string{"room"}, name)
          .then([this, h](caf::actor& s, std::vector<std::string>& members) {
            h->subscription = s;
            h->members = members;
            track(s);
          });
      self->request(pool, caf::infinite, tether::lease_acquire_atom::value)
          .then(
              [this, h](caf::actor& l) {
                h->lease = l;
                track(l);
              },
              [h](caf::error& err) {
                h->errors.push_back(tether::describe(err));
              });
      tether::handlers result;
      result.on_text = [](tether::connection& c, std::string text) {
        if (text == "throw")
          throw std::runtime_error("asked to");
        if (text == "close")
          c.close();
        else
          c.send_text(std::move(text));
      };
      result.on_message = caf::message_handler{
          [h](tether::topic_left_atom, std::string&, std::string& label) {
            h->heard.push_back("left " + label);
          },
          [h](tether::topic_joined_atom, std::string&, std::string& label) {
            h->heard.push_back("joined " + label);
          },
          [h](tether::topic_message_atom, std::string&, std::string& text) {
            h->heard.push_back("message " + text);
          },
      };
      return result;
    };
  }

  void start_supervisor() {
    sup = tether::spawn_supervisor(sys(), cfg, holder(), gauges);
    track(sup);
  }

  std::shared_ptr<fake_transport> connect() {
    if (!sup)
      start_supervisor();
    auto t = std::make_shared<fake_transport>();
    transports.push_back(t);
    caf::anon_send(sup, tether::new_conn_atom::value, tether::transport_ptr{t},
                   tether::conn_id{transports.size()});
    run();
    return t;
  }

  tether::supervisor_counts counts() {
    return ask<tether::supervisor_counts>(sup, tether::snapshot_atom::value);
  }

  // The services' own counts, merged; they must agree with the gauges.
  resource_counts service_counts() {
    auto s = ask<resource_counts>(registry, tether::snapshot_atom::value);
    auto h = ask<resource_counts>(hub, tether::snapshot_atom::value);
    auto p = ask<resource_counts>(pool, tether::snapshot_atom::value);
    resource_counts result = p;
    result.sessions = s.sessions;
    result.topics = h.topics;
    result.subscriptions = h.subscriptions;
    return result;
  }

  void require_held(uint64_t connections) {
    auto n = gauges->read();
    REQUIRE(n.sessions == connections);
    REQUIRE(n.subscriptions == connections);
    REQUIRE(n.topics == (connections > 0 ? 1u : 0u));
    REQUIRE(n.leases == connections);
    REQUIRE(n.pool_idle == 2 - connections);
    auto m = service_counts();
    CHECK(m.sessions == n.sessions);
    CHECK(m.subscriptions == n.subscriptions);
    CHECK(m.topics == n.topics);
    CHECK(m.leases == n.leases);
    CHECK(m.pool_idle == n.pool_idle);
  }

  void require_released() {
    auto n = gauges->read();
    CHECK(n.sessions == 0);
    CHECK(n.subscriptions == 0);
    CHECK(n.topics == 0);
    CHECK(n.leases == 0);
    CHECK(n.pool_size == 2);
    CHECK(n.pool_idle == 2);
    CHECK(n.lease_waiters == 0);
    auto m = service_counts();
    CHECK(m.sessions == 0);
    CHECK(m.subscriptions == 0);
    CHECK(m.topics == 0);
    CHECK(m.leases == 0);
    CHECK(m.pool_idle == 2);
  }

  conn_exit ended_with() {
    auto c = counts();
    REQUIRE(c.live == 0);
    REQUIRE(c.ended_total() == 1);
    return static_cast<conn_exit>([&] {
      for (uint8_t i = 1; i < tether::conn_exit_count; ++i)
        if (c.ended_with(static_cast<conn_exit>(i)) == 1)
          return i;
      return uint8_t{0};
    }());
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "a connection's resources are counted while it "
                          "lives") {
  connect();
  require_held(1);
  auto c = counts();
  CHECK(c.resources.sessions == 1);
  CHECK(c.resources.subscriptions == 1);
  CHECK(c.resources.leases == 1);
  CHECK(c.resources.pool_idle == 1);
  CHECK(c.resources.pool_size == 2);
}

TEST_CASE_METHOD(fixture, "every kind of end releases session, subscription "
                          "and lease") {
  SECTION("clean close by the peer") {
    auto t = connect();
    require_held(1);
    t->peer_close(1000, "bye");
    run();
    CHECK(ended_with() == conn_exit::peer_closed);
  }
  SECTION("close started by the server") {
    auto t = connect();
    require_held(1);
    t->peer_text("close");
    run();
    t->peer_answers_close();
    run();
    CHECK(ended_with() == conn_exit::server_closed);
  }
  SECTION("abrupt reset") {
    auto t = connect();
    require_held(1);
    t->end({conn_exit::reset, 0, "connection reset by peer"});
    run();
    CHECK(ended_with() == conn_exit::reset);
  }
  SECTION("heartbeat timeout") {
    connect();
    require_held(1);
    advance(1s);
    advance(1s);
    CHECK(ended_with() == conn_exit::heartbeat_timeout);
  }
  SECTION("idle timeout") {
    cfg.connection.ping_interval = 0s;
    cfg.connection.idle_timeout = 5s;
    auto t = connect();
    require_held(1);
    advance(5s);
    REQUIRE(t->close_sent());
    t->peer_answers_close();
    run();
    CHECK(ended_with() == conn_exit::idle_timeout);
  }
  SECTION("write timeout") {
    cfg.connection.ping_interval = 0s;
    auto t = connect();
    require_held(1);
    t->stall_writes();
    t->peer_text("echo me");
    run();
    advance(3s);
    CHECK(ended_with() == conn_exit::write_timeout);
  }
  SECTION("close timeout") {
    cfg.connection.ping_interval = 0s;
    auto t = connect();
    require_held(1);
    t->peer_text("close");
    run();
    advance(2s);
    CHECK(ended_with() == conn_exit::close_timeout);
  }
  SECTION("exception in the handler") {
    auto t = connect();
    require_held(1);
    t->peer_text("throw");
    run();
    REQUIRE(t->close_sent());
    CHECK(t->close_sent()->first == 1011);
    t->peer_answers_close();
    run();
    CHECK(ended_with() == conn_exit::handler_error);
  }
  SECTION("the supervisor shuts down") {
    auto t = connect();
    require_held(1);
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
    REQUIRE(t->close_sent());
    CHECK(t->close_sent()->first == 1001);
    t->peer_answers_close();
    run();
    CHECK(exited(held.front()->connection));
    CHECK(conn_exit_of(held.front()->connection) == conn_exit::server_shutdown);
  }
  SECTION("the connection actor is killed") {
    auto t = connect();
    require_held(1);
    caf::anon_send_exit(held.front()->connection, caf::exit_reason::kill);
    run();
    CHECK(t->aborted());
  }
  require_released();
}

TEST_CASE_METHOD(fixture, "a failing resource closes its connection with "
                          "1011 and releases the others") {
  auto t = connect();
  require_held(1);
  auto& h = *held.front();
  auto victim = GENERATE(0, 1, 2);
  auto target = victim == 0   ? h.session
                : victim == 1 ? h.subscription
                              : h.lease;
  fail(target);
  run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == 1011);
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(h.connection) == conn_exit::linked_actor_failed);
  require_released();
}

TEST_CASE_METHOD(fixture, "a resource given back early leaves its connection "
                          "open") {
  auto t = connect();
  require_held(1);
  auto& h = *held.front();
  caf::anon_send(h.lease, tether::lease_release_atom::value);
  caf::anon_send(h.subscription, tether::unsubscribe_atom::value);
  caf::anon_send(h.session, tether::session_end_atom::value);
  run();
  CHECK_FALSE(exited(h.connection));
  CHECK_FALSE(t->close_sent());
  require_released();
  t->peer_text("still here");
  run();
  CHECK(t->sent_texts() == std::vector<std::string>{"still here"});
}

TEST_CASE_METHOD(fixture, "a service that stops takes its resources with it "
                          "and closes their connections") {
  auto t = connect();
  require_held(1);
  auto& h = *held.front();
  SECTION("shutdown: 1001") {
    caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
    run();
    REQUIRE(t->close_sent());
    CHECK(t->close_sent()->first == 1001);
  }
  SECTION("failure: 1011") {
    fail(hub);
    run();
    REQUIRE(t->close_sent());
    CHECK(t->close_sent()->first == 1011);
  }
  t->peer_answers_close();
  run();
  CHECK(exited(h.connection));
  CHECK(gauges->read().sessions == 0);
  CHECK(gauges->read().leases == 0);
  CHECK(gauges->read().subscriptions == 0);
}

TEST_CASE_METHOD(fixture, "subscribers see each other arrive and leave, "
                          "however they leave") {
  auto a = connect();
  auto b = connect();
  auto& ha = *held[0];
  auto& hb = *held[1];
  CHECK(ha.members == std::vector<std::string>{"user1"});
  CHECK(hb.members == std::vector<std::string>{"user1", "user2"});
  CHECK(ha.heard == std::vector<std::string>{"joined user2"});
  CHECK(ask<std::vector<std::string>>(hub, tether::members_atom::value,
                                      std::string{"room"})
        == std::vector<std::string>{"user1", "user2"});
  CHECK(ask<uint64_t>(hub, tether::publish_atom::value, std::string{"room"},
                      std::string{"hi"})
        == 2);
  CHECK(hb.heard == std::vector<std::string>{"message hi"});
  // A plain send publishes too, and gets no count back.
  caf::scoped_actor publisher{sys(), true};
  publisher->send(hub, tether::publish_atom::value, std::string{"room"},
                  std::string{"plain"});
  run();
  CHECK(publisher->mailbox().empty());
  CHECK(hb.heard == std::vector<std::string>{"message hi", "message plain"});
  b->end({conn_exit::reset, 0, "reset"});
  run();
  CHECK(ha.heard
        == std::vector<std::string>{"joined user2", "message hi",
                                    "message plain", "left user2"});
  CHECK(ask<uint64_t>(hub, tether::publish_atom::value, std::string{"room"},
                      std::string{"alone"})
        == 1);
  a->peer_close(1000);
  run();
  CHECK(ask<uint64_t>(hub, tether::publish_atom::value, std::string{"room"},
                      std::string{"nobody"})
        == 0);
  require_released();
}

TEST_CASE_METHOD(fixture, "the session registry refuses a name in use until "
                          "its session ends") {
  connect();
  require_held(1);
  caf::scoped_actor other{sys(), true};
  auto open = [&] {
    auto pending = other->request(
        registry, caf::infinite, tether::session_open_atom::value,
        std::string{"user1"}, std::map<std::string, std::string>{});
    run();
    caf::error failure;
    pending.receive([](caf::actor&) {},
                    [&](caf::error& err) { failure = err; });
    return failure;
  };
  CHECK(tether::as_resource_error(open())
        == tether::resource_error::name_taken);
  CHECK(ask<std::vector<caf::actor>>(registry, tether::session_find_atom::value,
                                     std::string{"user1"})
            .size()
        == 1);
  transports.front()->end({conn_exit::eof, 0, "eof"});
  run();
  CHECK(ask<std::vector<caf::actor>>(registry, tether::session_find_atom::value,
                                     std::string{"user1"})
            .empty());
  CHECK_FALSE(open());
  // Without attributes; its owner (the asking actor) ends as the ask
  // returns, normally, and the session ends with it.
  ask<caf::actor>(registry, tether::session_open_atom::value,
                  std::string{"solo"});
  run();
  CHECK(ask<std::vector<caf::actor>>(registry, tether::session_find_atom::value,
                                     std::string{"solo"})
            .empty());
}

TEST_CASE_METHOD(fixture, "lease requests wait in a bounded queue with a "
                          "timeout") {
  connect();
  connect();
  require_held(2);
  // The third waits; the fourth finds the queue (one place) full.
  connect();
  connect();
  CHECK(gauges->read().lease_waiters == 1);
  CHECK(held[3]->errors.size() == 1);
  CHECK(held[3]->errors.front().rfind("pool_exhausted", 0) == 0);
  SECTION("a freed connection goes to the waiter") {
    caf::anon_send(held[0]->lease, tether::lease_release_atom::value);
    run();
    CHECK(held[2]->lease);
    CHECK(gauges->read().lease_waiters == 0);
    CHECK(gauges->read().leases == 2);
  }
  SECTION("the waiter gives up at acquire_timeout") {
    advance(499ms);
    CHECK(held[2]->errors.empty());
    advance(1ms);
    REQUIRE(held[2]->errors.size() == 1);
    CHECK(held[2]->errors.front().rfind("acquire_timeout", 0) == 0);
    CHECK(gauges->read().lease_waiters == 0);
  }
  SECTION("a waiter that died gets nothing and holds nothing") {
    transports[2]->end({conn_exit::reset, 0, "reset"});
    run();
    caf::anon_send(held[0]->lease, tether::lease_release_atom::value);
    run();
    CHECK(gauges->read().leases == 1);
    CHECK(gauges->read().pool_idle == 1);
  }
  for (auto& t : transports)
    if (!t->ended())
      t->end({conn_exit::reset, 0, "reset"});
  run();
  require_released();
}
