// Real sockets on 127.0.0.1: every way a connection ends, seen from both
// the client and the supervisor's counts.
#include <catch2/catch.hpp>

#include <boost/asio/write.hpp>

#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tether::conn_exit;
using tether::test::eventually;
using tether::test::test_server;
using tether::test::ws_client;

namespace {

bool ended_with(test_server& srv, conn_exit reason, uint64_t n = 1) {
  return eventually([&] { return srv.counts().ended_with(reason) == n; });
}

} // namespace

TEST_CASE("a client-initiated close is answered and counted as peer_closed") {
  std::vector<tether::socket_end> ends;
  std::mutex mtx;
  test_server srv{[&](tether::connection& c) {
    auto h = tether::test::scripted_echo(c);
    h.on_end = [&](tether::connection&, const tether::socket_end& e) {
      std::lock_guard<std::mutex> guard{mtx};
      ends.push_back(e);
    };
    return h;
  }};
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  client.send_text("hi");
  CHECK(client.read() == "hi");
  client.close(4321, "client leaving");
  REQUIRE(ended_with(srv, conn_exit::peer_closed));
  CHECK(srv.counts().live == 0);
  std::lock_guard<std::mutex> guard{mtx};
  REQUIRE(ends.size() == 1);
  CHECK(ends[0].close_code == 4321);
  CHECK(ends[0].detail == "client leaving");
}

TEST_CASE("a server-initiated close reaches the client with code and reason") {
  test_server srv;
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  client.send_text("before");
  client.send_text("close 4000 you are done");
  CHECK(client.read() == "before");
  auto frame = client.read_until_close();
  REQUIRE(frame);
  CHECK(frame->first == 4000);
  CHECK(frame->second == "you are done");
  REQUIRE(ended_with(srv, conn_exit::server_closed));
}

TEST_CASE("a peer that never answers the close frame is dropped at "
          "close_timeout") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.connection.close_timeout = 300ms;
                  }};
  asio::io_context ioc;
  auto socket = tether::test::raw_connect(ioc, srv.port());
  tether::test::raw_upgrade(socket, srv.port());
  // Ask for a close, then read nothing and answer nothing.
  asio::write(socket,
              asio::buffer(tether::test::client_frame(0x1, "close 1000")));
  REQUIRE(ended_with(srv, conn_exit::close_timeout));
  CHECK(srv.counts().live == 0);
  CHECK(eventually([&] { return srv.server().open_sockets() == 0; }));
}

TEST_CASE("an exception in the handler closes that connection with 1011 "
          "and no other") {
  test_server srv;
  asio::io_context ioc;
  ws_client victim{ioc, srv.port()};
  ws_client bystander{ioc, srv.port()};
  victim.send_text("throw");
  auto frame = victim.read_until_close();
  REQUIRE(frame);
  CHECK(frame->first == 1011);
  REQUIRE(ended_with(srv, conn_exit::handler_error));
  bystander.send_text("still served");
  CHECK(bystander.read() == "still served");
  CHECK(srv.counts().live == 1);
}

TEST_CASE("a TCP reset without close frame ends the connection as reset") {
  test_server srv;
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  client.send_text("x");
  CHECK(client.read() == "x");
  client.reset();
  REQUIRE(ended_with(srv, conn_exit::reset));
}

TEST_CASE("a client that closes TCP without a close frame ends as eof") {
  test_server srv;
  asio::io_context ioc;
  {
    auto socket = tether::test::raw_connect(ioc, srv.port());
    tether::test::raw_upgrade(socket, srv.port());
    socket.shutdown(asio::ip::tcp::socket::shutdown_send);
    REQUIRE(ended_with(srv, conn_exit::eof));
  }
}

TEST_CASE("an oversized message gets 1009 and ends as message_too_big") {
  test_server srv{tether::test::scripted_echo,
                  [](tether::server_config& c) { c.max_message_bytes = 1024; }};
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  client.send_text(std::string(2048, 'x'));
  auto frame = client.read_until_close();
  REQUIRE(frame);
  CHECK(frame->first == 1009);
  REQUIRE(ended_with(srv, conn_exit::message_too_big));
}

TEST_CASE("stopping the server closes open connections with 1001") {
  auto srv = std::make_unique<test_server>();
  asio::io_context ioc;
  ws_client a{ioc, srv->port()};
  ws_client b{ioc, srv->port()};
  a.send_text("x");
  CHECK(a.read() == "x");
  b.send_text("y");
  CHECK(b.read() == "y");
  // Stop in the background: it waits for the close handshakes, which the
  // clients answer here.
  std::thread stopper{[&] { srv->server().stop(); }};
  auto fa = a.read_until_close();
  auto fb = b.read_until_close();
  stopper.join();
  REQUIRE(fa);
  REQUIRE(fb);
  CHECK(fa->first == 1001);
  CHECK(fb->first == 1001);
  CHECK(srv->server().open_sockets() == 0);
}
