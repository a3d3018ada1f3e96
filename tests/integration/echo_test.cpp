// Real sockets on 127.0.0.1: messages, HTTP routes and upgrade errors.
#include <catch2/catch.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

namespace asio = boost::asio;
using tether::conn_exit;
using tether::test::test_server;
using tether::test::ws_client;

namespace {

// Sends `request` on a fresh TCP connection and returns the whole response
// (the server closes after answering: every request here says so).
std::string http_exchange(uint16_t port, const std::string& request) {
  asio::io_context ioc;
  auto socket = tether::test::raw_connect(ioc, port);
  asio::write(socket, asio::buffer(request));
  std::string response;
  boost::beast::error_code ec;
  char chunk[4096];
  for (;;) {
    auto n = socket.read_some(asio::buffer(chunk), ec);
    response.append(chunk, n);
    if (ec)
      break;
  }
  return response;
}

} // namespace

TEST_CASE("text and binary messages round-trip through an echo server") {
  test_server srv;
  asio::io_context ioc;
  ws_client client{ioc, srv.port()};
  client.send_text("hello, tether");
  CHECK(client.read() == "hello, tether");
  CHECK(client.got_text());
  std::vector<uint8_t> blob(70000);
  for (size_t i = 0; i < blob.size(); ++i)
    blob[i] = static_cast<uint8_t>(i * 7);
  client.send_binary(blob);
  auto echoed = client.read();
  CHECK_FALSE(client.got_text());
  CHECK(echoed == std::string(blob.begin(), blob.end()));
  for (int i = 0; i < 100; ++i)
    client.send_text("msg " + std::to_string(i));
  for (int i = 0; i < 100; ++i)
    REQUIRE(client.read() == "msg " + std::to_string(i));
  auto n = srv.counts();
  CHECK(n.live == 1);
  CHECK(n.accepted == 1);
}

TEST_CASE("plain HTTP requests get routes, 404s and clear errors") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& c) {
                    c.websocket_path = "/ws";
                    c.max_http_request_bytes = 2048;
                  }};
  // Routes are registered before start in real use; this server has none.
  SECTION("unknown path: 404") {
    auto res =
        http_exchange(srv.port(), "GET /nothing HTTP/1.1\r\n"
                                  "Host: x\r\nConnection: close\r\n\r\n");
    CHECK(res.rfind("HTTP/1.1 404", 0) == 0);
    CHECK(res.find("not found: /nothing") != std::string::npos);
  }
  SECTION("upgrade on another path: 404") {
    asio::io_context ioc;
    CHECK_THROWS_AS(ws_client(ioc, srv.port(), "/elsewhere"),
                    std::system_error);
  }
  SECTION("garbage: 400") {
    auto res = http_exchange(srv.port(), "NOT HTTP AT ALL\r\n\r\n");
    CHECK(res.rfind("HTTP/1.1 400", 0) == 0);
  }
  SECTION("oversized headers: 431") {
    auto res =
        http_exchange(srv.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
                                      + std::string(4096, 'a') + "\r\n\r\n");
    CHECK(res.rfind("HTTP/1.1 431", 0) == 0);
  }
  SECTION("upgrade on the configured path works") {
    asio::io_context ioc;
    ws_client client{ioc, srv.port(), "/ws"};
    client.send_text("ok");
    CHECK(client.read() == "ok");
  }
}

TEST_CASE("registered routes answer plain HTTP on the WebSocket port") {
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = 0;
  tether::server srv{sys, cfg, tether::test::scripted_echo};
  srv.route("/hello", [](const tether::http_request& req) {
    tether::http_response res;
    res.content_type = "text/html";
    res.body = "<p>hello " + req.method + " " + req.target + "</p>";
    return res;
  });
  srv.start();
  auto res = http_exchange(srv.port(), "GET /hello?x=1 HTTP/1.1\r\nHost: x\r\n"
                                       "Connection: close\r\n\r\n");
  CHECK(res.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(res.find("Content-Type: text/html") != std::string::npos);
  CHECK(res.find("<p>hello GET /hello?x=1</p>") != std::string::npos);
  // HEAD: the length a GET would get, and no body.
  auto head = http_exchange(srv.port(), "HEAD /hello HTTP/1.1\r\nHost: x\r\n"
                                        "Connection: close\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.find("Content-Length: 24\r\n") != std::string::npos);
  CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
  CHECK_THROWS_AS(srv.route("/late", {}), std::logic_error);
}

TEST_CASE("an upgrade from a page of another origin gets 403") {
  test_server srv{tether::test::scripted_echo, [](tether::server_config& cfg) {
                    cfg.allowed_origins = {
                        std::string{tether::same_host_origin}};
                  }};
  auto host = "127.0.0.1:" + std::to_string(srv.port());
  auto upgrade = [&](const std::string& origin_line) {
    return http_exchange(srv.port(),
                         "GET / HTTP/1.1\r\nHost: " + host
                             + "\r\nUpgrade: websocket\r\n"
                               "Connection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\n"
                             + origin_line + "\r\n");
  };
  auto evil = upgrade("Origin: http://evil.example\r\n");
  CHECK(evil.rfind("HTTP/1.1 403", 0) == 0);
  CHECK(evil.find("origin not allowed: http://evil.example")
        != std::string::npos);
  CHECK(srv.counts().accepted == 0);
  // The page the server serves itself, and a client that is not a browser.
  asio::io_context ioc;
  auto same = tether::test::raw_connect(ioc, srv.port());
  asio::write(same,
              asio::buffer("GET / HTTP/1.1\r\nHost: " + host
                           + "\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Origin: http://"
                           + host + "\r\n\r\n"));
  char buf[64] = {};
  same.read_some(asio::buffer(buf, 12));
  CHECK(std::string(buf, 12) == "HTTP/1.1 101");
  ws_client plain{ioc, srv.port()};
  CHECK(tether::test::eventually([&] { return srv.counts().live == 2; }));
}

TEST_CASE("a port in use is reported with the address") {
  test_server first;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = first.port();
  tether::server second{sys, cfg, tether::test::scripted_echo};
  try {
    second.start();
    FAIL("start should have thrown");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(cfg.port))
          != std::string::npos);
  }
}

TEST_CASE("a plain request on the WebSocket path gets 426") {
  test_server srv;
  auto res = http_exchange(srv.port(), "GET / HTTP/1.1\r\nHost: x\r\n"
                                       "Connection: close\r\n\r\n");
  CHECK(res.rfind("HTTP/1.1 426", 0) == 0);
  CHECK(res.find("Upgrade: websocket") != std::string::npos);
}

TEST_CASE("a configuration that cannot work is refused before listening") {
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  tether::server_config cfg;
  cfg.port = 0;
  cfg.websocket_path = "no-slash";
  tether::server srv{sys, cfg, tether::test::scripted_echo};
  CHECK_THROWS_WITH(srv.start(), Catch::Contains("websocket_path"));
  CHECK(srv.port() == 0);
}

TEST_CASE("the server reports its URL and keeps its last counts after stop") {
  test_server srv;
  CHECK(srv.server().url()
        == "ws://127.0.0.1:" + std::to_string(srv.port()) + "/");
  {
    asio::io_context ioc;
    ws_client client{ioc, srv.port()};
    client.send_text("x");
    CHECK(client.read() == "x");
    client.close(1000);
  }
  REQUIRE(tether::test::eventually(
      [&] { return srv.counts().ended_with(conn_exit::peer_closed) == 1; }));
  srv.server().stop();
  auto n = srv.counts();
  CHECK(n.accepted == 1);
  CHECK(n.ended_with(conn_exit::peer_closed) == 1);
}

TEST_CASE("a frame sent together with the upgrade request is not lost") {
  test_server srv;
  asio::io_context ioc;
  auto socket = tether::test::raw_connect(ioc, srv.port());
  std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n";
  asio::write(socket,
              asio::buffer(request + tether::test::client_frame(0x1, "eager")));
  // The 101 response, then the echo: an unmasked text frame "eager".
  asio::streambuf in;
  asio::read_until(socket, in, "\r\n\r\n");
  std::string all{asio::buffers_begin(in.data()), asio::buffers_end(in.data())};
  while (all.find("eager") == std::string::npos) {
    char chunk[256];
    boost::beast::error_code ec;
    auto n = socket.read_some(asio::buffer(chunk), ec);
    REQUIRE_FALSE(ec);
    all.append(chunk, n);
  }
  CHECK(all.rfind("HTTP/1.1 101", 0) == 0);
  CHECK(all.find(std::string("\x81\x05") + "eager") != std::string::npos);
}
