// One accepted TCP connection in its HTTP phase: plain requests are routed,
// an upgrade request hands the socket to a WebSocket transport.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/server_shared.hpp"
#include "tether/transport.hpp"

namespace tether::net {

class http_session : public pending_handshake,
                     public std::enable_shared_from_this<http_session> {
public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;
  using response =
      boost::beast::http::response<boost::beast::http::string_body>;

  http_session(boost::asio::ip::tcp::socket&& socket, conn_id id,
               socket_token token);

  /// Tells the supervisor the handshake deadline is moot, unless the
  /// socket went on to a WebSocket transport.
  ~http_session() override;

  /// Starts reading the first request.
  void run();

  /// Closes the socket; called by the supervisor when the client took too
  /// long to send its request.
  void abort_handshake() override;

private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_request(request req);
  void upgrade(request req);
  void respond(unsigned status, std::string body, bool keep_alive,
               unsigned version);
  void send(response res);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t);
  void shutdown();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  std::shared_ptr<response> res_;
  conn_id id_;
  std::string peer_;
  std::optional<socket_token> token_;
  // The supervisor, kept past the hand-over of the token.
  caf::actor supervisor_;
  bool upgraded_ = false;
};

} // namespace tether::net
