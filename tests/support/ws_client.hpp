// A WebSocket client for integration tests, on Beast. Every operation is
// bounded in time: a misbehaving server fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace tether::test {

class ws_client {
public:
  using clock = std::chrono::steady_clock;

  /// Connects to 127.0.0.1:`port` and completes the opening handshake for
  /// `path`. Throws `std::system_error` on failure.
  ws_client(boost::asio::io_context& ioc, uint16_t port,
            const std::string& path = "/");

  void send_text(const std::string& text);
  void send_binary(const std::vector<uint8_t>& data);

  /// Reads the next message. Throws `std::system_error` on error, including
  /// `websocket::error::closed` when the server closed the connection.
  std::string read();

  /// Whether the last message read was text.
  bool got_text() const { return ws_.got_text(); }

  /// Reads until the server's close frame; returns its code and reason, or
  /// nullopt if the connection ended without one.
  std::optional<std::pair<uint16_t, std::string>> read_until_close();

  /// Sends a close frame and waits for the server's answer.
  void close(uint16_t code, const std::string& reason = {});

  /// Drops the connection with a TCP reset: no close frame, as a crashed
  /// client or a lost network would.
  void reset();

  boost::asio::ip::tcp::socket& socket();

private:
  // Starts an asynchronous operation with `start` and runs the I/O context
  // until it completes or `limit` passes (then the socket is closed and
  // `std::system_error` with `timed_out` is thrown).
  template <class Start>
  boost::beast::error_code run(Start&& start, std::chrono::milliseconds limit);

  boost::asio::io_context& ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
};

/// Opens a TCP connection to 127.0.0.1:`port` without any protocol.
boost::asio::ip::tcp::socket raw_connect(boost::asio::io_context& ioc,
                                         uint16_t port);

/// Sends a complete upgrade request over `socket` and reads the 101
/// response; throws if the server answers otherwise.
void raw_upgrade(boost::asio::ip::tcp::socket& socket, uint16_t port);

/// A masked client frame (RFC 6455 section 5.2) with the given opcode.
std::string client_frame(uint8_t opcode, const std::string& payload);

} // namespace tether::test
