#include "tether/supervisor.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

#include <caf/exit_reason.hpp>

#include "tether/close_code.hpp"
#include "tether/messages.hpp"
#include "tether/testing.hpp"

using tether::conn_exit;
using tether::supervisor_counts;
using tether::testing::fake_transport;

namespace {

tether::handlers echo(tether::connection&) {
  tether::handlers h;
  h.on_text = [](tether::connection& c, std::string text) {
    if (text == "throw")
      throw std::runtime_error("asked to");
    c.send_text(std::move(text));
  };
  return h;
}

struct fixture : tether::testing::fixture {
  caf::actor sup =
      tether::spawn_supervisor(sys(), tether::server_config{}, echo);
  std::vector<std::shared_ptr<fake_transport>> ts;

  fixture() { track(sup); }

  std::shared_ptr<fake_transport> connect() {
    auto t = std::make_shared<fake_transport>();
    ts.push_back(t);
    caf::anon_send(sup, tether::new_conn_atom::value, tether::transport_ptr{t},
                   tether::conn_id{ts.size()});
    run();
    return t;
  }

  supervisor_counts counts() {
    return ask<supervisor_counts>(sup, tether::snapshot_atom::value);
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "the supervisor spawns one actor per connection "
                          "and counts them") {
  auto a = connect();
  auto b = connect();
  auto c = connect();
  CHECK(a->starts() == 1);
  CHECK(c->starts() == 1);
  auto n = counts();
  CHECK(n.live == 3);
  CHECK(n.accepted == 3);
  CHECK(n.ended_total() == 0);
  b->peer_text("ping");
  run();
  CHECK(b->sent_texts() == std::vector<std::string>{"ping"});
}

TEST_CASE_METHOD(fixture, "every end is counted under its reason and the "
                          "supervisor lives on") {
  auto a = connect();
  auto b = connect();
  auto c = connect();
  a->peer_close(1000);
  b->end(tether::socket_end{conn_exit::reset, 0, "reset"});
  c->peer_text("throw");
  run();
  c->peer_answers_close();
  run();
  auto n = counts();
  CHECK(n.live == 0);
  CHECK(n.accepted == 3);
  CHECK(n.ended_with(conn_exit::peer_closed) == 1);
  CHECK(n.ended_with(conn_exit::reset) == 1);
  CHECK(n.ended_with(conn_exit::handler_error) == 1);
  CHECK_FALSE(exited(sup));
}

TEST_CASE_METHOD(fixture, "one connection's failure leaves the others alone") {
  auto bad = connect();
  auto good = connect();
  bad->peer_text("throw");
  run();
  REQUIRE(bad->close_sent());
  CHECK(bad->close_sent()->first == tether::close_code::internal_error);
  good->peer_text("still here");
  run();
  CHECK_FALSE(good->close_sent());
  CHECK(good->sent_texts() == std::vector<std::string>{"still here"});
}

TEST_CASE_METHOD(fixture, "draining closes every connection with 1001, "
                          "answers when none is left and refuses new ones") {
  auto a = connect();
  auto b = connect();
  caf::scoped_actor self{sys(), true};
  auto pending = self->request(sup, caf::infinite, tether::drain_atom::value);
  run();
  REQUIRE(a->close_sent());
  REQUIRE(b->close_sent());
  CHECK(a->close_sent()->first == tether::close_code::going_away);
  auto late = connect();
  CHECK(late->starts() == 0);
  CHECK(late->close_sent());
  a->peer_answers_close();
  b->peer_answers_close();
  run();
  bool drained = false;
  pending.receive([&](bool x) { drained = x; },
                  [&](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(drained);
  auto n = counts();
  CHECK(n.live == 0);
  CHECK(n.refused == 1);
  CHECK(n.ended_with(conn_exit::server_shutdown) == 2);
}

TEST_CASE_METHOD(fixture, "the supervisor's death closes every connection") {
  auto a = connect();
  auto b = connect();
  SECTION("by user_shutdown: close with 1001") {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
    CHECK(exited(sup));
    REQUIRE(a->close_sent());
    CHECK(a->close_sent()->first == tether::close_code::going_away);
    REQUIRE(b->close_sent());
  }
  SECTION("by kill, which CAF makes fatal for linked actors: sockets "
          "dropped") {
    caf::anon_send_exit(sup, caf::exit_reason::kill);
    run();
    CHECK(exited(sup));
    CHECK(a->aborted());
    CHECK(b->aborted());
  }
  SECTION("by a normal exit request, which must still propagate") {
    caf::anon_send_exit(sup, caf::exit_reason::normal);
    run();
    CHECK(exited(sup));
    REQUIRE(a->close_sent());
    CHECK(a->close_sent()->first == tether::close_code::going_away);
  }
}

namespace {

struct fake_handshake : tether::pending_handshake {
  bool aborted = false;
  void abort_handshake() override { aborted = true; }
};

struct handshake_fixture : tether::testing::fixture {
  caf::actor sup;
  std::vector<std::shared_ptr<fake_handshake>> pending;

  handshake_fixture() {
    tether::server_config cfg;
    cfg.handshake_timeout = std::chrono::seconds(10);
    sup = tether::spawn_supervisor(sys(), cfg, echo);
    track(sup);
  }

  std::shared_ptr<fake_handshake> begin(tether::conn_id id) {
    auto h = std::make_shared<fake_handshake>();
    pending.push_back(h);
    caf::anon_send(sup, tether::handshake_atom::value, id,
                   tether::pending_handshake_ref{h});
    run();
    return h;
  }

  supervisor_counts counts() {
    return ask<supervisor_counts>(sup, tether::snapshot_atom::value);
  }
};

} // namespace

using namespace std::chrono_literals;

TEST_CASE_METHOD(handshake_fixture, "a handshake not done within "
                                    "handshake_timeout is dropped, not "
                                    "before") {
  auto slow = begin(1);
  advance(9999ms);
  CHECK_FALSE(slow->aborted);
  CHECK(counts().handshaking == 1);
  advance(1ms);
  CHECK(slow->aborted);
  auto n = counts();
  CHECK(n.handshake_timeouts == 1);
  CHECK(n.handshaking == 0);
}

TEST_CASE_METHOD(handshake_fixture, "the next request on a keep-alive "
                                    "connection restarts its deadline") {
  auto conn = begin(1);
  advance(8s);
  caf::anon_send(sup, tether::handshake_atom::value, tether::conn_id{1},
                 tether::pending_handshake_ref{conn});
  run();
  advance(8s);
  CHECK_FALSE(conn->aborted);
  advance(2s);
  CHECK(conn->aborted);
}

TEST_CASE_METHOD(handshake_fixture, "finished handshakes leave no deadline "
                                    "and no pending timer behind") {
  std::vector<std::shared_ptr<fake_transport>> upgraded;
  for (tether::conn_id id = 1; id <= 100; ++id) {
    begin(id);
    if (id % 2 == 0) {
      // Upgraded: the supervisor gets the transport under the same id.
      upgraded.push_back(std::make_shared<fake_transport>());
      caf::anon_send(sup, tether::new_conn_atom::value,
                     tether::transport_ptr{upgraded.back()}, id);
    } else {
      // A plain HTTP exchange that ended.
      caf::anon_send(sup, tether::handshake_done_atom::value, id);
    }
  }
  run();
  CHECK(counts().handshaking == 0);
  // One supervisor alarm may still wait; a hundred per-connection
  // deadlines would stay in the clock until they fired.
  CHECK(sched().clock().schedule().size() <= 3);
  advance(10s);
  CHECK(counts().handshake_timeouts == 0);
  for (auto& h : pending)
    CHECK_FALSE(h->aborted);
}

TEST_CASE_METHOD(handshake_fixture, "a handshake that vanished on its own "
                                    "is not counted as a timeout") {
  begin(1);
  pending.clear(); // the only strong reference: the connection is gone
  advance(10s);
  auto n = counts();
  CHECK(n.handshake_timeouts == 0);
  CHECK(n.handshaking == 0);
}
