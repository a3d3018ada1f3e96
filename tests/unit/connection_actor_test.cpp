#include "tether/connection_actor.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include "tether/close_code.hpp"
#include "tether/testing.hpp"

using namespace std::chrono_literals;
using tether::conn_exit;
using tether::testing::fake_transport;

namespace {

tether::handlers echo(tether::connection&) {
  tether::handlers h;
  h.on_text = [](tether::connection& c, std::string text) {
    c.send_text(std::move(text));
  };
  h.on_binary = [](tether::connection& c, std::vector<uint8_t> data) {
    c.send_binary(std::move(data));
  };
  return h;
}

struct fixture : tether::testing::fixture {
  std::shared_ptr<fake_transport> t = std::make_shared<fake_transport>();
};

} // namespace

TEST_CASE_METHOD(fixture, "a connection actor starts its transport once") {
  spawn_connection(t, echo);
  CHECK(t->starts() == 1);
}

TEST_CASE_METHOD(fixture, "text and binary messages reach the handlers") {
  spawn_connection(t, echo);
  t->peer_text("hello");
  t->peer_binary({1, 2, 3});
  run();
  REQUIRE(t->sent().size() == 2);
  CHECK(t->sent()[0].kind == tether::frame_kind::text);
  CHECK(t->sent()[0].payload == "hello");
  CHECK(t->sent()[1].kind == tether::frame_kind::binary);
  CHECK(t->sent()[1].payload == std::string("\x01\x02\x03", 3));
}

TEST_CASE_METHOD(fixture, "the socket's end ends the actor with its reason") {
  auto reason =
      GENERATE(conn_exit::peer_closed, conn_exit::eof, conn_exit::reset,
               conn_exit::read_error, conn_exit::write_error,
               conn_exit::protocol_error, conn_exit::message_too_big);
  std::vector<tether::socket_end> seen;
  auto conn = spawn_connection(t, [&](tether::connection& c) {
    auto h = echo(c);
    h.on_end = [&](tether::connection&, const tether::socket_end& e) {
      seen.push_back(e);
    };
    return h;
  });
  t->end(tether::socket_end{reason, 1000, "bye"});
  run();
  CHECK(conn_exit_of(conn) == reason);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].reason == reason);
}

TEST_CASE_METHOD(fixture, "a server close sends the code and waits for the "
                          "peer's answer") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_text = [](tether::connection& c, std::string) {
      c.send_text("last words");
      c.close(4000, "done");
      c.send_text("ignored after close");
    };
    return h;
  });
  t->peer_text("x");
  run();
  CHECK(t->sent_texts() == std::vector<std::string>{"last words"});
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == 4000);
  CHECK(t->close_sent()->second == "done");
  CHECK_FALSE(exited(conn));
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::server_closed);
  CHECK_FALSE(t->aborted());
}

TEST_CASE_METHOD(fixture, "a peer that ignores the close frame is dropped at "
                          "close_timeout, not before") {
  tether::connection_settings cfg;
  cfg.close_timeout = 5s;
  auto conn = spawn_connection(
      t,
      [](tether::connection&) {
        tether::handlers h;
        h.on_text = [](tether::connection& c, std::string) { c.close(); };
        return h;
      },
      cfg);
  t->peer_text("close please");
  run();
  REQUIRE(t->close_sent());
  advance(4999ms);
  CHECK_FALSE(exited(conn));
  CHECK_FALSE(t->aborted());
  advance(1ms);
  CHECK(conn_exit_of(conn) == conn_exit::close_timeout);
  CHECK(t->aborted());
}

TEST_CASE_METHOD(fixture, "a handler exception closes with 1011 and ends "
                          "with handler_error") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_text = [](tether::connection&, std::string) {
      throw std::runtime_error("boom");
    };
    return h;
  });
  t->peer_text("x");
  run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::internal_error);
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::handler_error);
}

TEST_CASE_METHOD(fixture, "a throwing handler factory closes with 1011") {
  auto conn = spawn_connection(t, [](tether::connection&) -> tether::handlers {
    throw std::logic_error("no handlers today");
  });
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::internal_error);
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::handler_error);
}

TEST_CASE_METHOD(fixture, "a message kind without handler gets 1003") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_text = [](tether::connection&, std::string) {};
    return h;
  });
  t->peer_binary({0xff});
  run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::unsupported_data);
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::server_closed);
}

TEST_CASE_METHOD(fixture, "a killed connection actor drops its socket") {
  auto conn = spawn_connection(t, echo);
  caf::anon_send_exit(conn, caf::exit_reason::kill);
  run();
  CHECK(exited(conn));
  CHECK(t->aborted());
}

TEST_CASE_METHOD(fixture, "an actor that no one references drops its socket") {
  {
    auto conn = tether::spawn_connection(sys(), t, 7, {}, echo);
    run();
    REQUIRE(t->starts() == 1);
  }
  CHECK_FALSE(t->aborted());
  // The transport was the last holder; once it lets go, CAF destroys the
  // actor as unreachable, and the socket must go with it.
  t->forget_owner();
  run();
  CHECK(t->aborted());
}

TEST_CASE_METHOD(fixture, "an actor linked to the connection dies with it, "
                          "whatever the reason") {
  auto reason = GENERATE(conn_exit::peer_closed, conn_exit::reset);
  caf::actor resource;
  auto conn = spawn_connection(t, [&](tether::connection& c) {
    // A resource actor with CAF's default exit handling.
    resource = c.self()->spawn<caf::linked>(
        []() -> caf::behavior { return {[](int) {}}; });
    track(resource);
    return echo(c);
  });
  REQUIRE(resource);
  CHECK_FALSE(exited(resource));
  t->end(tether::socket_end{reason, 1000, {}});
  run();
  CHECK(conn_exit_of(conn) == reason);
  CHECK(conn_exit_of(resource) == reason);
}

TEST_CASE_METHOD(fixture, "exits of linked actors: normal is ignored, "
                          "shutdown gets 1001, failure gets 1011") {
  caf::actor helper;
  auto conn = spawn_connection(t, [&](tether::connection& c) {
    helper = c.self()->spawn<caf::linked>(
        []() -> caf::behavior { return {[](int) {}}; });
    return echo(c);
  });
  SECTION("normal") {
    caf::anon_send_exit(helper, caf::exit_reason::normal);
    run();
    CHECK_FALSE(t->close_sent());
    CHECK_FALSE(exited(conn));
  }
  SECTION("shutdown") {
    caf::anon_send_exit(helper, caf::exit_reason::user_shutdown);
    run();
    REQUIRE(t->close_sent());
    CHECK(t->close_sent()->first == tether::close_code::going_away);
    t->peer_answers_close();
    run();
    CHECK(conn_exit_of(conn) == conn_exit::server_shutdown);
  }
  SECTION("failure") {
    caf::anon_send_exit(helper, caf::exit_reason::unhandled_exception);
    run();
    REQUIRE(t->close_sent());
    CHECK(t->close_sent()->first == tether::close_code::internal_error);
    t->peer_answers_close();
    run();
    CHECK(conn_exit_of(conn) == conn_exit::linked_actor_failed);
  }
}

TEST_CASE_METHOD(fixture, "other actors reach the peer through messages") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_message = caf::message_handler{
        [](int x) -> std::string { return "got " + std::to_string(x); },
    };
    return h;
  });
  caf::anon_send(conn, tether::send_text_atom::value, std::string{"pushed"});
  run();
  CHECK(t->sent_texts() == std::vector<std::string>{"pushed"});
  CHECK(ask<std::string>(conn, 42) == "got 42");
  caf::anon_send(conn, tether::close_atom::value, uint16_t{4001},
                 std::string{"bye"});
  run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == 4001);
}

TEST_CASE_METHOD(fixture, "an exception in on_message closes with 1011") {
  auto conn = spawn_connection(t, [](tether::connection&) {
    tether::handlers h;
    h.on_message = caf::message_handler{
        [](int) { throw std::runtime_error("bad int"); },
    };
    return h;
  });
  caf::anon_send(conn, 1);
  run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::internal_error);
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::handler_error);
}

namespace {

// Answers 1 with an error and anything else with the number doubled.
caf::behavior doubler() {
  return {[](int x) -> caf::result<int> {
    if (x == 1)
      return caf::make_error(caf::sec::runtime_error);
    return x * 2;
  }};
}

// On "ask N", asks a doubler for N without an error callback; the answer's
// callback throws.
tether::handler_factory asker(caf::actor helper) {
  return [helper](tether::connection&) {
    tether::handlers h;
    h.on_text = [helper](tether::connection& c, std::string text) {
      c.self()
          ->request(helper, caf::infinite, std::stoi(text.substr(4)))
          .then([](int) { throw std::runtime_error("callback failed"); });
    };
    return h;
  };
}

} // namespace

TEST_CASE_METHOD(fixture, "a request that fails unhandled closes with 1011, "
                          "not with CAF's raw error") {
  auto helper = sys().spawn(doubler);
  track(helper);
  auto conn = spawn_connection(t, asker(helper));
  t->peer_text("ask 1");
  run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::internal_error);
  CHECK_FALSE(t->aborted());
  t->peer_answers_close();
  run();
  CHECK(conn_exit_of(conn) == conn_exit::handler_error);
}

TEST_CASE_METHOD(fixture, "an exception in a request's callback still sends "
                          "the peer a 1011 close frame") {
  auto helper = sys().spawn(doubler);
  track(helper);
  auto conn = spawn_connection(t, asker(helper));
  t->peer_text("ask 2");
  run();
  CHECK(exited(conn));
  CHECK(conn_exit_of(conn) == conn_exit::handler_error);
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::internal_error);
  CHECK_FALSE(t->aborted());
}
