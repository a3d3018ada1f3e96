// Every deadline of a connection actor, in virtual time: it fires when due
// and not a millisecond before, the right events reset it and the wrong
// ones do not, and it leaves nothing behind.
#include "tether/connection_actor.hpp"

#include <catch2/catch.hpp>

#include "tether/close_code.hpp"
#include "tether/testing.hpp"

using namespace std::chrono_literals;
using tether::conn_exit;
using tether::testing::fake_transport;

namespace {

tether::handlers echo(tether::connection&) {
  tether::handlers h;
  h.on_text = [](tether::connection& c, std::string text) {
    if (text.rfind("send ", 0) == 0)
      c.send_text(text.substr(5));
  };
  return h;
}

// Only the timer under test is on.
tether::connection_settings
only(std::function<void(tether::connection_settings&)> enable) {
  tether::connection_settings cfg;
  cfg.ping_interval = 0ms;
  cfg.idle_timeout = 0ms;
  cfg.write_timeout = 0ms;
  enable(cfg);
  return cfg;
}

struct fixture : tether::testing::fixture {
  std::shared_ptr<fake_transport> t = std::make_shared<fake_transport>();
};

auto heartbeat = only([](tether::connection_settings& c) {
  c.ping_interval = 20s;
  c.pong_timeout = 10s;
});

} // namespace

TEST_CASE_METHOD(fixture, "pings go out every ping_interval, not before") {
  spawn_connection(t, echo, heartbeat);
  advance(19999ms);
  CHECK(t->pings().empty());
  advance(1ms);
  REQUIRE(t->pings().size() == 1);
  CHECK(t->pings()[0].rfind("1.", 0) == 0);
  t->peer_pong_last();
  run();
  advance(20s);
  REQUIRE(t->pings().size() == 2);
  CHECK(t->pings()[1].rfind("2.", 0) == 0);
}

TEST_CASE_METHOD(fixture, "an answered ping keeps the connection alive") {
  auto conn = spawn_connection(t, echo, heartbeat);
  for (int i = 0; i < 10; ++i) {
    advance(20s);
    advance(9s);
    t->peer_pong_last();
    run();
  }
  CHECK(t->pings().size() == 10);
  CHECK_FALSE(exited(conn));
}

TEST_CASE_METHOD(fixture, "a missing pong drops the socket at pong_timeout") {
  auto conn = spawn_connection(t, echo, heartbeat);
  advance(20s);
  REQUIRE(t->pings().size() == 1);
  advance(9999ms);
  CHECK_FALSE(exited(conn));
  advance(1ms);
  CHECK(conn_exit_of(conn) == conn_exit::heartbeat_timeout);
  CHECK(t->aborted());
  CHECK_FALSE(t->close_sent());
}

TEST_CASE_METHOD(fixture,
                 "unsolicited, stale and foreign pongs prove nothing") {
  auto conn = spawn_connection(t, echo, heartbeat);
  // Pongs before any ping, e.g. a client that pongs on its own schedule.
  t->peer_pong("1");
  t->peer_pong("");
  run();
  advance(20s);
  REQUIRE(t->pings().size() == 1);
  // A pong for a ping never sent, and garbage.
  t->peer_pong("2");
  t->peer_pong("1x");
  t->peer_pong("not a number");
  run();
  advance(10s);
  CHECK(conn_exit_of(conn) == conn_exit::heartbeat_timeout);
}

TEST_CASE_METHOD(fixture, "an old pong replayed later does not extend a "
                          "dead connection") {
  auto conn = spawn_connection(t, echo, heartbeat);
  advance(20s);
  auto first = t->pings().at(0);
  t->peer_pong(first);
  run();
  advance(20s); // ping 2 goes out
  REQUIRE(t->pings().size() == 2);
  t->peer_pong(first); // replay of the first answer
  run();
  advance(10s);
  CHECK(conn_exit_of(conn) == conn_exit::heartbeat_timeout);
}

TEST_CASE_METHOD(fixture, "data frames answer a ping only with "
                          "heartbeat_any_frame") {
  auto settings = heartbeat;
  bool any_frame = GENERATE(false, true);
  settings.heartbeat_any_frame = any_frame;
  auto conn = spawn_connection(t, echo, settings);
  advance(20s);
  t->peer_text("still here");
  t->peer_ping();
  run();
  advance(10s);
  CHECK(exited(conn) == !any_frame);
}

TEST_CASE_METHOD(fixture, "no message for idle_timeout closes with 4000") {
  auto conn = spawn_connection(
      t, echo,
      only([](tether::connection_settings& c) { c.idle_timeout = 60s; }));
  advance(59s);
  t->peer_text("hi"); // resets the deadline to 119 s
  run();
  advance(59s);
  CHECK_FALSE(t->close_sent());
  // Control frames never count.
  t->peer_ping();
  t->peer_pong("1");
  run();
  advance(999ms);
  CHECK_FALSE(t->close_sent());
  advance(1ms);
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::idle_timeout);
  CHECK(t->close_sent()->second == "idle timeout");
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::idle_timeout);
}

TEST_CASE_METHOD(fixture, "the server's own messages count as activity only "
                          "with idle_counts_sends") {
  bool counts_sends = GENERATE(false, true);
  auto conn =
      spawn_connection(t, echo, only([&](tether::connection_settings& c) {
                         c.idle_timeout = 60s;
                         c.idle_counts_sends = counts_sends;
                       }));
  advance(30s);
  caf::anon_send(conn, tether::send_text_atom::value, std::string{"news"});
  run();
  advance(30s);
  CHECK(t->close_sent().has_value() == !counts_sends);
}

TEST_CASE_METHOD(fixture, "writes without progress for write_timeout drop "
                          "the socket") {
  auto settings =
      only([](tether::connection_settings& c) { c.write_timeout = 10s; });
  auto conn = spawn_connection(t, echo, settings);
  t->stall_writes();
  t->peer_text("send a");
  run();
  // The watch opens with the write; a whole window without progress is a
  // stall, detected between one and two windows after the stall began.
  advance(9999ms);
  CHECK_FALSE(exited(conn));
  advance(1ms);
  CHECK(conn_exit_of(conn) == conn_exit::write_timeout);
  CHECK(t->aborted());
}

TEST_CASE_METHOD(fixture, "writes that progress or finish are no stall") {
  auto settings =
      only([](tether::connection_settings& c) { c.write_timeout = 10s; });
  auto conn = spawn_connection(t, echo, settings);
  SECTION("finished writes disarm the watch") {
    t->peer_text("send a");
    run();
    advance(60s);
    CHECK_FALSE(exited(conn));
  }
  SECTION("a slow reader that makes progress in every window stays") {
    for (int i = 0; i < 6; ++i) {
      t->stall_writes();
      t->peer_text("send chunk");
      run();
      advance(5s);
      t->resume_writes(); // the peer read something
      t->stall_writes();
      t->peer_text("send more");
      run();
      advance(5s);
    }
    CHECK_FALSE(exited(conn));
  }
}

TEST_CASE_METHOD(fixture, "the close deadline is a timer of the same kind") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_text = [](tether::connection& c, std::string) { c.close(); };
    return h;
  });
  t->peer_text("close");
  run();
  advance(4999ms);
  CHECK_FALSE(exited(conn));
  advance(1ms);
  CHECK(conn_exit_of(conn) == conn_exit::close_timeout);
}

TEST_CASE_METHOD(fixture, "timers do not accumulate and a closed connection "
                          "leaves none behind") {
  // All timers on, at their defaults.
  std::vector<std::shared_ptr<fake_transport>> ts;
  std::vector<caf::actor> conns;
  for (int i = 0; i < 50; ++i) {
    ts.push_back(std::make_shared<fake_transport>());
    conns.push_back(spawn_connection(ts.back(), echo, {}, i + 1));
  }
  // A busy minute: messages, sends, pings and pongs.
  for (int second = 0; second < 60; ++second) {
    for (auto& tp : ts) {
      tp->peer_text("send x");
      tp->peer_pong_last();
    }
    advance(1s);
  }
  // At most one entry per live connection in the timer service, and one
  // alarm of its own pending, whatever the traffic.
  CHECK(timer_entries() == 50);
  CHECK(sched().clock().schedule().size() <= 3);
  for (auto& tp : ts)
    tp->end(tether::socket_end{conn_exit::reset, 0, {}});
  run();
  for (auto& c : conns)
    REQUIRE(conn_exit_of(c) == conn_exit::reset);
  CHECK(timer_entries() == 0);
}

TEST_CASE_METHOD(fixture, "a peer that closes and then lingers is released "
                          "at close_timeout as peer_closed") {
  std::vector<tether::socket_end> ends;
  auto conn = spawn_connection(t, [&](tether::connection& c) {
    auto h = echo(c);
    h.on_end = [&](tether::connection&, const tether::socket_end& e) {
      ends.push_back(e);
    };
    return h;
  });
  t->peer_close_and_linger(4002, "leaving, slowly");
  run();
  advance(4999ms);
  CHECK_FALSE(exited(conn));
  advance(1ms);
  CHECK(conn_exit_of(conn) == conn_exit::peer_closed);
  CHECK(t->aborted());
  REQUIRE(ends.size() == 1);
  CHECK(ends[0].close_code == 4002);
  CHECK(ends[0].detail == "leaving, slowly");
}

TEST_CASE_METHOD(fixture, "a peer that guesses pongs without reading the "
                          "pings is still dropped") {
  auto conn = spawn_connection(t, echo, heartbeat);
  advance(20s);
  REQUIRE(t->pings().size() == 1);
  // The sequence number is easy to guess; the tag after it is not.
  for (auto guess :
       {"1", "1.", "1.0000000000000000", " 1", "+1", "1.ffffffffffffffff"})
    t->peer_pong(guess);
  auto forged = t->pings()[0];
  forged.back() = forged.back() == '0' ? '1' : '0';
  t->peer_pong(forged);
  run();
  advance(10s);
  CHECK(conn_exit_of(conn) == conn_exit::heartbeat_timeout);
}

TEST_CASE_METHOD(fixture, "the pong deadline runs from when the ping was "
                          "written, not from when it was due") {
  auto conn = spawn_connection(t, echo, heartbeat);
  // A large message is still being written to a slow but reading peer;
  // the ping waits behind it for longer than pong_timeout.
  t->hold_pings();
  advance(20s);
  REQUIRE(t->pings().size() == 1);
  advance(15s);
  CHECK_FALSE(exited(conn));
  t->release_pings();
  run();
  advance(9999ms);
  CHECK_FALSE(exited(conn));
  advance(1ms);
  CHECK(conn_exit_of(conn) == conn_exit::heartbeat_timeout);
}

TEST_CASE_METHOD(fixture, "a peer that answers the server's close frame but "
                          "keeps TCP open ends as server_closed") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_text = [](tether::connection& c, std::string) { c.close(4000); };
    return h;
  });
  t->peer_text("close");
  run();
  t->peer_close_and_linger(4000);
  run();
  advance(5s);
  CHECK(conn_exit_of(conn) == conn_exit::server_closed);
  CHECK(t->aborted());
}
