#include "net/socket_errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace tether::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

bool is_reset(const beast::error_code& ec) {
  return ec == asio::error::connection_reset || ec == asio::error::broken_pipe
         || ec == asio::error::connection_aborted;
}

bool is_eof(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == beast::http::error::end_of_stream;
}

bool is_websocket_error(const beast::error_code& ec) {
  static const auto& category =
      beast::error_code{websocket::error::closed}.category();
  return ec.category() == category;
}

} // namespace

socket_end classify_read_error(const beast::error_code& ec,
                               const websocket::close_reason& peer_close) {
  // The peer's close frame: Beast already answered it.
  if (ec == websocket::error::closed)
    return {conn_exit::peer_closed, static_cast<uint16_t>(peer_close.code),
            std::string(peer_close.reason.c_str())};
  // Vanished peers: no close frame, the usual way connections die.
  if (is_eof(ec))
    return {conn_exit::eof, 0, ec.message()};
  if (is_reset(ec))
    return {conn_exit::reset, 0, ec.message()};
  // Our own abort cancelled the read.
  if (ec == asio::error::operation_aborted)
    return {conn_exit::aborted, 0, ec.message()};
  // Beast's own deadline only guards the closing handshake here.
  if (ec == beast::error::timeout)
    return {conn_exit::close_timeout, 0, ec.message()};
  // Beast sent the peer 1009 before reporting this.
  if (ec == websocket::error::message_too_big)
    return {conn_exit::message_too_big, 0, ec.message()};
  // Any other WebSocket error is a protocol violation Beast answered with
  // 1002 or 1007.
  if (is_websocket_error(ec))
    return {conn_exit::protocol_error, 0, ec.message()};
  return {conn_exit::read_error, 0, ec.message()};
}

socket_end classify_write_error(const beast::error_code& ec) {
  if (is_reset(ec) || is_eof(ec))
    return {conn_exit::reset, 0, ec.message()};
  if (ec == asio::error::operation_aborted)
    return {conn_exit::aborted, 0, ec.message()};
  if (ec == beast::error::timeout)
    return {conn_exit::close_timeout, 0, ec.message()};
  return {conn_exit::write_error, 0, ec.message()};
}

} // namespace tether::net
