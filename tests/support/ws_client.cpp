#include "support/ws_client.hpp"

#include <stdexcept>
#include <system_error>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

namespace tether::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr auto op_limit = std::chrono::seconds(10);

tcp::endpoint loopback(uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

} // namespace

template <class Start>
beast::error_code ws_client::run(Start&& start,
                                 std::chrono::milliseconds limit) {
  bool done = false;
  beast::error_code result;
  start([&](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc_.restart();
  auto deadline = clock::now() + limit;
  while (!done && clock::now() < deadline)
    ioc_.run_one_for(std::chrono::milliseconds(50));
  if (!done) {
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
    ioc_.restart();
    ioc_.run_for(std::chrono::milliseconds(100));
    throw std::system_error(std::make_error_code(std::errc::timed_out),
                            "test client operation timed out");
  }
  return result;
}

ws_client::ws_client(asio::io_context& ioc, uint16_t port,
                     const std::string& path)
    : ioc_(ioc), ws_(ioc) {
  ws_.next_layer().connect(loopback(port));
  auto ec = run(
      [&](auto handler) {
        ws_.async_handshake("127.0.0.1:" + std::to_string(port), path, handler);
      },
      op_limit);
  if (ec)
    throw std::system_error(ec, "handshake");
}

void ws_client::send_text(const std::string& text) {
  ws_.text(true);
  auto ec =
      run([&](auto handler) { ws_.async_write(asio::buffer(text), handler); },
          op_limit);
  if (ec)
    throw std::system_error(ec, "send_text");
}

void ws_client::send_binary(const std::vector<uint8_t>& data) {
  ws_.binary(true);
  auto ec =
      run([&](auto handler) { ws_.async_write(asio::buffer(data), handler); },
          op_limit);
  if (ec)
    throw std::system_error(ec, "send_binary");
}

std::string ws_client::read() {
  buffer_.clear();
  auto ec =
      run([&](auto handler) { ws_.async_read(buffer_, handler); }, op_limit);
  if (ec)
    throw std::system_error(ec, "read");
  auto result = beast::buffers_to_string(buffer_.data());
  // Tests count heap bytes; the client must not hold what the server freed.
  buffer_.clear();
  buffer_.shrink_to_fit();
  return result;
}

std::optional<std::pair<uint16_t, std::string>> ws_client::read_until_close() {
  for (;;) {
    buffer_.clear();
    auto ec =
        run([&](auto handler) { ws_.async_read(buffer_, handler); }, op_limit);
    // Beast's client may report a teardown error (e.g. ENOTCONN) instead
    // of `closed` after the server's close frame arrived; the frame counts.
    if (ec == websocket::error::closed
        || (ec && ws_.reason().code != websocket::close_code::none))
      return std::make_pair(static_cast<uint16_t>(ws_.reason().code),
                            std::string(ws_.reason().reason.c_str()));
    if (ec)
      return std::nullopt;
  }
}

void ws_client::close(uint16_t code, const std::string& reason) {
  websocket::close_reason cr{code};
  cr.reason = reason;
  auto ec = run([&](auto handler) { ws_.async_close(cr, handler); }, op_limit);
  if (ec)
    throw std::system_error(ec, "close");
}

void ws_client::reset() {
  auto& socket = ws_.next_layer();
  socket.set_option(asio::socket_base::linger(true, 0));
  beast::error_code ignored;
  socket.close(ignored);
}

tcp::socket& ws_client::socket() {
  return ws_.next_layer();
}

tcp::socket raw_connect(asio::io_context& ioc, uint16_t port) {
  tcp::socket socket{ioc};
  socket.connect(loopback(port));
  return socket;
}

void raw_upgrade(tcp::socket& socket, uint16_t port) {
  std::string request = "GET / HTTP/1.1\r\n"
                        "Host: 127.0.0.1:"
                        + std::to_string(port)
                        + "\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  asio::streambuf response;
  asio::read_until(socket, response, "\r\n\r\n");
  std::string head{asio::buffers_begin(response.data()),
                   asio::buffers_end(response.data())};
  if (head.rfind("HTTP/1.1 101", 0) != 0)
    throw std::runtime_error("upgrade refused: " + head);
}

std::string client_frame(uint8_t opcode, const std::string& payload) {
  if (payload.size() > 125)
    throw std::invalid_argument("client_frame: payload over 125 bytes");
  const uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | opcode));
  frame.push_back(static_cast<char>(0x80 | payload.size()));
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (size_t i = 0; i < payload.size(); ++i)
    frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return frame;
}

} // namespace tether::test
