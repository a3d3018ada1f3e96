// Turns Beast and Asio error codes into tether's reasons for a socket's end.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "tether/transport.hpp"

namespace tether::net {

/// Classifies the error that ended a WebSocket read. `peer_close` is the
/// close frame the peer sent, if any.
socket_end
classify_read_error(const boost::beast::error_code& ec,
                    const boost::beast::websocket::close_reason& peer_close);

/// Classifies the error that ended a WebSocket write or close handshake.
socket_end classify_write_error(const boost::beast::error_code& ec);

} // namespace tether::net
