#include "net/http_session.hpp"

#include <sstream>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <caf/send.hpp>

#include "net/ws_transport.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"
#include "tether/origin.hpp"

namespace tether::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

std::string endpoint_string(const asio::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec)
    return "unknown";
  auto addr = ep.address();
  if (addr.is_v6())
    return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}

std::string path_of(beast::string_view target) {
  auto end = target.find_first_of("?#");
  return std::string(target.substr(0, end));
}

http_request to_http_request(const http_session::request& req) {
  http_request result;
  result.method = std::string(req.method_string());
  result.target = std::string(req.target());
  result.path = path_of(req.target());
  for (const auto& field : req)
    result.headers.emplace_back(std::string(field.name_string()),
                                std::string(field.value()));
  result.body = req.body();
  return result;
}

} // namespace

http_session::http_session(asio::ip::tcp::socket&& socket, conn_id id,
                           socket_token token)
    : stream_(std::move(socket)), id_(id),
      peer_(endpoint_string(stream_.socket())), token_(std::move(token)),
      supervisor_(token_->shared()->supervisor) {
  // nop
}

http_session::~http_session() {
  if (!upgraded_)
    caf::anon_send(supervisor_, handshake_done_atom::value, id_);
}

void http_session::run() {
  log::net().debug("conn {} accepted peer={}", id_, peer_);
  do_read();
}

void http_session::abort_handshake() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                    ignored);
    self->stream_.socket().close(ignored);
  });
}

void http_session::do_read() {
  const auto& shared = *token_->shared();
  parser_.emplace();
  parser_->header_limit(
      static_cast<uint32_t>(shared.cfg.max_http_request_bytes));
  parser_->body_limit(shared.cfg.max_http_request_bytes);
  // Slow or silent clients (slowloris) are bounded by the supervisor's
  // handshake deadline, which restarts for each request.
  caf::anon_send(shared.supervisor, handshake_atom::value, id_,
                 pending_handshake_ref{shared_from_this()});
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  // The client closed between requests: the normal end of keep-alive.
  if (ec == http::error::end_of_stream) {
    shutdown();
    return;
  }
  // The supervisor's handshake deadline closed the socket.
  if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
    return;
  if (ec == http::error::header_limit) {
    respond(431, "request header fields too large\n", false, 11);
    return;
  }
  if (ec == http::error::body_limit) {
    respond(413, "request body too large\n", false, 11);
    return;
  }
  if (ec
      && ec.category()
             == beast::error_code{http::error::bad_method}.category()) {
    log::net().debug("conn {} bad request: {}", id_, ec.message());
    respond(400, "bad request: " + ec.message() + "\n", false, 11);
    return;
  }
  if (ec) {
    log::net().debug("conn {} read failed: {}", id_, ec.message());
    return;
  }
  on_request(parser_->release());
}

void http_session::on_request(request req) {
  const auto& shared = *token_->shared();
  auto path = path_of(req.target());
  if (websocket::is_upgrade(req)) {
    if (path != shared.cfg.websocket_path) {
      respond(404, "no WebSocket endpoint at " + path + "\n", false,
              req.version());
      return;
    }
    if (!shared.accepting) {
      respond(503, "server shutting down\n", false, req.version());
      return;
    }
    auto origin = req[http::field::origin];
    if (!origin_allowed(
            shared.cfg.allowed_origins, {origin.data(), origin.size()},
            {req[http::field::host].data(), req[http::field::host].size()})) {
      log::net().info("conn {} upgrade refused for origin {}", id_,
                      std::string(origin));
      respond(403, "origin not allowed: " + std::string(origin) + "\n", false,
              req.version());
      return;
    }
    upgrade(std::move(req));
    return;
  }
  auto route = shared.routes.find(path);
  if (route == shared.routes.end() && path == shared.cfg.websocket_path) {
    respond(426, "this path only accepts WebSocket upgrades\n",
            req.keep_alive(), req.version());
    return;
  }
  if (route == shared.routes.end()) {
    respond(404, "not found: " + path + "\n", req.keep_alive(), req.version());
    return;
  }
  http_response out;
  try {
    out = route->second(to_http_request(req));
  } catch (const std::exception& e) {
    log::net().warn("conn {} route {} threw: {}", id_, path, e.what());
    respond(500, "internal server error\n", false, req.version());
    return;
  }
  response res{static_cast<http::status>(out.status), req.version()};
  res.set(http::field::server, "tether");
  res.set(http::field::content_type, out.content_type);
  for (auto& [name, value] : out.headers)
    res.set(name, value);
  res.keep_alive(req.keep_alive());
  if (req.method() == http::verb::head) {
    // The headers a GET would get, Content-Length included, and no body.
    res.content_length(out.body.size());
  } else {
    res.body() = std::move(out.body);
    res.prepare_payload();
  }
  send(std::move(res));
}

void http_session::upgrade(request req) {
  auto supervisor = supervisor_;
  upgraded_ = true;
  auto transport = std::make_shared<ws_transport>(std::move(stream_), id_,
                                                  peer_, std::move(*token_));
  token_.reset();
  // The supervisor spawns the connection actor, which starts the transport.
  // The request as read, and whatever the client sent after it, so that a
  // frame sent without waiting for the 101 is not lost.
  std::ostringstream received;
  received << req;
  received << beast::buffers_to_string(buffer_.data());
  transport->accept(received.str(), [supervisor, id = id_](auto t) {
    caf::anon_send(supervisor, new_conn_atom::value,
                   transport_ptr{std::move(t)}, id);
  });
}

void http_session::respond(unsigned status, std::string body, bool keep_alive,
                           unsigned version) {
  response res{static_cast<http::status>(status), version};
  res.set(http::field::server, "tether");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  if (status == 426) {
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
  }
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  send(std::move(res));
}

void http_session::send(response res) {
  auto keep_alive = res.keep_alive();
  res_ = std::make_shared<response>(std::move(res));
  http::async_write(stream_, *res_,
                    beast::bind_front_handler(&http_session::on_write,
                                              shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec,
                            std::size_t) {
  res_.reset();
  if (ec) {
    log::net().debug("conn {} write failed: {}", id_, ec.message());
    return;
  }
  if (!keep_alive) {
    shutdown();
    return;
  }
  do_read();
}

void http_session::shutdown() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

} // namespace tether::net
