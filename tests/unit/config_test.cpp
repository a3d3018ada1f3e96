#include "tether/config.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

TEST_CASE("the default configuration is valid") {
  CHECK(tether::config_error(tether::server_config{}).empty());
}

TEST_CASE("config_error names the field that cannot work") {
  tether::server_config cfg;
  std::string field;
  SECTION("no I/O thread") {
    cfg.io_threads = 0;
    field = "io_threads";
  }
  SECTION("absurdly many I/O threads") {
    cfg.io_threads = 100000;
    field = "io_threads";
  }
  SECTION("a path without leading slash") {
    cfg.websocket_path = "ws";
    field = "websocket_path";
  }
  SECTION("a message limit of 0, which Beast reads as none") {
    cfg.max_message_bytes = 0;
    field = "max_message_bytes";
  }
  SECTION("a tiny request limit") {
    cfg.max_http_request_bytes = 10;
    field = "max_http_request_bytes";
  }
  SECTION("a negative timeout") {
    cfg.connection.idle_timeout = -1ms;
    field = "idle_timeout";
  }
  SECTION("an unbounded close") {
    cfg.connection.close_timeout = 0ms;
    field = "close_timeout";
  }
  SECTION("pings without pong deadline") {
    cfg.connection.pong_timeout = 0ms;
    field = "pong_timeout";
  }
  auto error = tether::config_error(cfg);
  INFO(error);
  CHECK(error.rfind(field, 0) == 0);
}

TEST_CASE("timers other than close and shutdown may be turned off") {
  tether::server_config cfg;
  cfg.handshake_timeout = 0ms;
  cfg.connection.ping_interval = 0ms;
  cfg.connection.pong_timeout = 0ms;
  cfg.connection.idle_timeout = 0ms;
  cfg.connection.write_timeout = 0ms;
  CHECK(tether::config_error(cfg).empty());
}
