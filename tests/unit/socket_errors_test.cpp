#include "net/socket_errors.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tether::conn_exit;
using tether::net::classify_read_error;
using tether::net::classify_write_error;

namespace {

conn_exit read_end(beast::error_code ec) {
  return classify_read_error(ec, websocket::close_reason{}).reason;
}

} // namespace

TEST_CASE("read errors map to the reason a socket ended") {
  CHECK(read_end(asio::error::eof) == conn_exit::eof);
  CHECK(read_end(beast::http::error::end_of_stream) == conn_exit::eof);
  CHECK(read_end(asio::error::connection_reset) == conn_exit::reset);
  CHECK(read_end(asio::error::broken_pipe) == conn_exit::reset);
  CHECK(read_end(asio::error::operation_aborted) == conn_exit::aborted);
  CHECK(read_end(websocket::error::message_too_big)
        == conn_exit::message_too_big);
  CHECK(read_end(websocket::error::bad_opcode) == conn_exit::protocol_error);
  CHECK(read_end(websocket::error::bad_frame_payload)
        == conn_exit::protocol_error);
  CHECK(read_end(asio::error::host_unreachable) == conn_exit::read_error);
}

TEST_CASE("a peer's close frame carries its code and reason") {
  websocket::close_reason frame{4004};
  frame.reason = "see you";
  auto end = classify_read_error(websocket::error::closed, frame);
  CHECK(end.reason == conn_exit::peer_closed);
  CHECK(end.close_code == 4004);
  CHECK(end.detail == "see you");
}

TEST_CASE("write errors map to reset, aborted or write_error") {
  CHECK(classify_write_error(asio::error::broken_pipe).reason
        == conn_exit::reset);
  CHECK(classify_write_error(asio::error::operation_aborted).reason
        == conn_exit::aborted);
  CHECK(classify_write_error(asio::error::no_buffer_space).reason
        == conn_exit::write_error);
}
