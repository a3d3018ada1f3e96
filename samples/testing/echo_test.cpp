// How to unit-test your own handlers with tether's test kit: the handler
// runs in a real connection actor over a fake transport, on CAF's
// deterministic scheduler, in virtual time. Built and run with the tests.
#include <catch2/catch.hpp>
#include <tether/testing.hpp>

// The handler under test: echoes text, and closes on "bye".
tether::handlers echo(tether::connection&) {
  tether::handlers h;
  h.on_text = [](tether::connection& c, std::string text) {
    if (text == "bye")
      c.close(tether::close_code::normal, "see you");
    else
      c.send_text(std::move(text));
  };
  return h;
}

TEST_CASE("echo answers, and a silent peer is dropped by the heartbeat") {
  tether::testing::fixture f;
  auto t = std::make_shared<tether::testing::fake_transport>();
  tether::connection_settings cfg; // ping every 20 s, pong within 10 s
  auto conn = f.spawn_connection(t, echo, cfg);
  t->peer_text("hello");
  f.run();
  CHECK(t->sent_texts() == std::vector<std::string>{"hello"});
  f.advance(std::chrono::seconds(20)); // virtual time: takes microseconds
  CHECK(t->pings().size() == 1);
  f.advance(std::chrono::seconds(10)); // and no pong came
  CHECK(f.conn_exit_of(conn) == tether::conn_exit::heartbeat_timeout);
  CHECK(t->aborted());
}

TEST_CASE("\"bye\" starts a close handshake that the peer answers") {
  tether::testing::fixture f;
  auto t = std::make_shared<tether::testing::fake_transport>();
  auto conn = f.spawn_connection(t, echo);
  t->peer_text("bye");
  f.run();
  REQUIRE(t->close_sent());
  CHECK(t->close_sent()->first == tether::close_code::normal);
  t->peer_answers_close();
  f.run();
  CHECK(f.conn_exit_of(conn) == tether::conn_exit::server_closed);
}
