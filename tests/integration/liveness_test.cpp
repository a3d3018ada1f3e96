// Real sockets on 127.0.0.1: peers that stop answering, stall their
// handshake or stop reading are found and released on time. The bounds
// carry a generous slack for a loaded machine; what they catch is a
// deadline that never fires or fires early.
#include <catch2/catch.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::steady_clock;
using tether::conn_exit;
using tether::test::eventually;
using tether::test::test_server;
using tether::test::ws_client;

namespace {

constexpr auto slack = 1500ms;

auto elapsed_since(steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      steady_clock::now() - start);
}

} // namespace

TEST_CASE("a peer that never reads nor answers pings is dropped within "
          "ping_interval + pong_timeout") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.connection.ping_interval = 300ms;
                    c.connection.pong_timeout = 400ms;
                  }};
  asio::io_context ioc;
  auto socket = tether::test::raw_connect(ioc, srv.port());
  tether::test::raw_upgrade(socket, srv.port());
  auto start = steady_clock::now();
  REQUIRE(eventually([&] {
    return srv.counts().ended_with(conn_exit::heartbeat_timeout) == 1;
  }));
  auto took = elapsed_since(start);
  INFO("detected after " << took.count() << " ms");
  CHECK(took >= 700ms - 50ms);
  CHECK(took <= 700ms + slack);
  // The server dropped the socket: the next read sees its end once the
  // pings it buffered are consumed.
  boost::beast::error_code ec;
  std::vector<char> sink(4096);
  while (!ec)
    socket.read_some(asio::buffer(sink), ec);
  CHECK((ec == asio::error::eof || ec == asio::error::connection_reset));
}

TEST_CASE("a client that answers pings stays connected") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.connection.ping_interval = 100ms;
                    c.connection.pong_timeout = 200ms;
                  }};
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  // Beast's client answers pings while it reads; keep it reading for 1 s.
  auto until = steady_clock::now() + 1s;
  while (steady_clock::now() < until) {
    client.send_text("tick");
    CHECK(client.read() == "tick");
    std::this_thread::sleep_for(50ms);
  }
  CHECK(srv.counts().live == 1);
  CHECK(srv.counts().ended_total() == 0);
}

TEST_CASE("a half-sent upgrade request is dropped at handshake_timeout while "
          "a normal client is served") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.handshake_timeout = 400ms;
                  }};
  asio::io_context ioc;
  auto slow = tether::test::raw_connect(ioc, srv.port());
  asio::write(slow, asio::buffer(std::string{"GET / HTTP/1.1\r\nHost: 127"}));
  auto start = steady_clock::now();
  // A normal client arriving meanwhile completes and talks.
  ws_client normal{ioc, srv.port()};
  normal.send_text("served");
  CHECK(normal.read() == "served");
  // The slow one is cut off: its next read ends.
  boost::beast::error_code ec;
  char byte;
  slow.read_some(asio::buffer(&byte, 1), ec);
  auto took = elapsed_since(start);
  INFO("dropped after " << took.count() << " ms");
  CHECK((ec == asio::error::eof || ec == asio::error::connection_reset));
  CHECK(took >= 400ms - 50ms);
  CHECK(took <= 400ms + slack);
  CHECK(srv.counts().handshake_timeouts == 1);
  CHECK(srv.counts().live == 1);
  normal.send_text("still served");
  CHECK(normal.read() == "still served");
}

TEST_CASE("a client that sends nothing at all is dropped at "
          "handshake_timeout") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.handshake_timeout = 300ms;
                  }};
  asio::io_context ioc;
  std::vector<asio::ip::tcp::socket> silent;
  for (int i = 0; i < 20; ++i)
    silent.push_back(tether::test::raw_connect(ioc, srv.port()));
  REQUIRE(eventually([&] { return srv.counts().handshake_timeouts == 20; }));
  CHECK(eventually([&] { return srv.server().open_sockets() == 0; }));
}

TEST_CASE("a client that stops reading is dropped at write_timeout and its "
          "queue is freed") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.connection.ping_interval = 0ms;
                    c.connection.write_timeout = 500ms;
                  }};
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  // 32 MiB queued for a client that reads none of it.
  client.send_text("flood 512");
  auto start = steady_clock::now();
  REQUIRE(eventually(
      [&] { return srv.counts().ended_with(conn_exit::write_timeout) == 1; }));
  auto took = elapsed_since(start);
  INFO("dropped after " << took.count() << " ms");
  // Detected between one and two windows after the writes stopped moving.
  CHECK(took <= 2 * 500ms + slack);
  CHECK(eventually([&] { return srv.server().queued_bytes() == 0; }));
  CHECK(eventually([&] { return srv.server().open_sockets() == 0; }));
}

TEST_CASE("a peer that sends a close frame and keeps TCP open is released "
          "at close_timeout") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.connection.close_timeout = 400ms;
                  }};
  asio::io_context ioc;
  auto socket = tether::test::raw_connect(ioc, srv.port());
  tether::test::raw_upgrade(socket, srv.port());
  // Close frame with code 1000, then neither read nor FIN.
  asio::write(socket,
              asio::buffer(tether::test::client_frame(0x8, "\x03\xe8")));
  auto start = steady_clock::now();
  REQUIRE(eventually(
      [&] { return srv.counts().ended_with(conn_exit::peer_closed) == 1; }));
  auto took = elapsed_since(start);
  INFO("released after " << took.count() << " ms");
  CHECK(took <= 400ms + slack);
  CHECK(eventually([&] { return srv.server().open_sockets() == 0; }));
}
