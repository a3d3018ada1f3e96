#include "net/ws_transport.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

#include <caf/send.hpp>

#include "net/socket_errors.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"

namespace tether::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

ws_transport::ws_transport(beast::tcp_stream&& stream, conn_id id,
                           std::string peer, socket_token token)
    : ws_(std::move(stream)), id_(id), peer_(std::move(peer)),
      token_(std::move(token)) {
  ++token_.shared()->live_transports;
}

ws_transport::~ws_transport() {
  drop_queue();
  --token_.shared()->live_transports;
}

void ws_transport::accept(std::string received, ready_handler on_ready) {
  const auto& cfg = token_.shared()->cfg;
  // Beast's WebSocket timeouts must not be combined with tcp_stream's.
  beast::get_lowest_layer(ws_).expires_never();
  // The actors own every deadline: the supervisor the opening handshake,
  // the connection actor pings, idle, write stalls and the close. Beast's
  // handshake timeout stays only as a backstop, at twice the longer of the
  // two, for an actor system too busy to deliver its timers.
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout =
      2 * std::max(cfg.handshake_timeout, cfg.connection.close_timeout);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.read_message_max(cfg.max_message_bytes);
  ws_.set_option(
      websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(beast::http::field::server, "tether");
      }));
  // Pongs and pings go to the owner for its heartbeat. `this` suffices: the
  // callback lives in the stream, which lives in this object (capturing a
  // shared_ptr here would be a cycle, Beast issue 1539).
  ws_.control_callback(
      [this](websocket::frame_type kind, beast::string_view payload) {
        on_control_frame(kind, payload);
      });
  // The supervisor's handshake deadline now guards the WebSocket upgrade.
  caf::anon_send(token_.shared()->supervisor, handshake_atom::value, id_,
                 pending_handshake_ref{shared_from_this()});
  // Beast parses the request again from `received`, and keeps whatever
  // came after it (a client's first frame) for the first read.
  auto data = std::make_shared<std::string>(std::move(received));
  ws_.async_accept(asio::buffer(*data),
                   [self = shared_from_this(), data,
                    on_ready = std::move(on_ready)](beast::error_code ec) {
                     self->on_accept(ec, on_ready);
                   });
}

void ws_transport::on_accept(beast::error_code ec,
                             const ready_handler& on_ready) {
  if (ec) {
    log::net().debug("conn {} upgrade failed: {}", id_, ec.message());
    caf::anon_send(token_.shared()->supervisor, handshake_done_atom::value,
                   id_);
    return;
  }
  log::net().debug("conn {} upgraded peer={}", id_, peer_);
  on_ready(shared_from_this());
}

void ws_transport::start(caf::actor owner) {
  asio::post(ws_.get_executor(),
             [self = shared_from_this(), owner = std::move(owner)]() mutable {
               self->started_ = true;
               self->owner_ = std::move(owner);
               // The socket may have ended (abort, failed close) before the
               // owner was known: report it now.
               if (self->ended_)
                 self->finish(self->end_);
               else if (!self->close_started_)
                 self->do_read();
             });
}

void ws_transport::send(frame_kind kind, std::string payload) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), kind,
                                  payload = std::move(payload)]() mutable {
    if (self->ended_ || self->close_requested_)
      return;
    self->token_.shared()->queued_bytes += payload.size();
    self->tx_.push_back(outbound{kind, std::move(payload)});
    if (!self->writing_)
      self->do_write();
  });
}

void ws_transport::ping(std::string payload) {
  asio::post(ws_.get_executor(),
             [self = shared_from_this(), payload = std::move(payload)] {
               // One ping in flight at most (Beast's rule). A ping stuck behind
               // a stalled write is the write timeout's business.
               if (self->ended_ || self->close_started_ || self->pinging_)
                 return;
               log::net().trace("conn {} ping {}", self->id_, payload);
               self->pinging_ = true;
               self->ping_payload_ = websocket::ping_data{payload.c_str()};
               self->ws_.async_ping(
                   self->ping_payload_,
                   beast::bind_front_handler(&ws_transport::on_ping, self));
             });
}

void ws_transport::on_ping(beast::error_code ec) {
  pinging_ = false;
  if (ended_)
    return;
  if (ec) {
    log::net().debug("conn {} ping failed: {}", id_, ec.message());
    return;
  }
  caf::anon_send(owner_, ws_ping_sent_atom::value,
                 std::string(ping_payload_.data(), ping_payload_.size()));
}

void ws_transport::on_control_frame(websocket::frame_type kind,
                                    beast::string_view payload) {
  if (ended_ || !owner_)
    return;
  if (kind == websocket::frame_type::pong)
    caf::anon_send(owner_, ws_pong_atom::value, std::string(payload));
  else if (kind == websocket::frame_type::ping)
    caf::anon_send(owner_, ws_ping_atom::value);
  else if (kind == websocket::frame_type::close)
    caf::anon_send(owner_, ws_peer_close_atom::value,
                   static_cast<uint16_t>(ws_.reason().code),
                   std::string(payload));
}

void ws_transport::drop_queue() {
  uint64_t bytes = 0;
  for (auto& frame : tx_)
    bytes += frame.payload.size();
  token_.shared()->queued_bytes -= bytes;
  tx_.clear();
}

void ws_transport::close(uint16_t code, std::string reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code,
                                  reason = std::move(reason)]() mutable {
    if (self->ended_ || self->close_requested_)
      return;
    self->close_requested_ = true;
    self->close_frame_ = websocket::close_reason{code};
    self->close_frame_.reason = reason;
    // Messages queued before the close go out first.
    if (!self->writing_)
      self->do_close();
  });
}

void ws_transport::abort() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->finish(socket_end{conn_exit::aborted, 0, "aborted by server"});
  });
}

void ws_transport::do_read() {
  ws_.async_read(rx_, beast::bind_front_handler(&ws_transport::on_read,
                                                shared_from_this()));
}

void ws_transport::on_read(beast::error_code ec, std::size_t) {
  if (ended_)
    return;
  if (ec) {
    // While our close handshake runs, the read receives the peer's close
    // frame on behalf of the close operation, which reports the outcome.
    if (close_started_)
      return;
    finish(classify_read_error(ec, ws_.reason()));
    return;
  }
  if (ws_.got_text()) {
    caf::anon_send(owner_, ws_text_atom::value,
                   beast::buffers_to_string(rx_.data()));
  } else {
    auto bytes = static_cast<const uint8_t*>(rx_.data().data());
    caf::anon_send(owner_, ws_binary_atom::value,
                   std::vector<uint8_t>(bytes, bytes + rx_.size()));
  }
  rx_.consume(rx_.size());
  // One large message must not pin its buffer for the connection's life:
  // idle connections should cost kilobytes, whatever they once sent.
  constexpr std::size_t keep_bytes = 64 * 1024;
  if (rx_.capacity() > keep_bytes)
    rx_.shrink_to_fit();
  do_read();
}

void ws_transport::do_write() {
  writing_ = true;
  auto& next = tx_.front();
  ws_.text(next.kind == frame_kind::text);
  ws_.async_write(
      asio::buffer(next.payload),
      beast::bind_front_handler(&ws_transport::on_write, shared_from_this()));
}

void ws_transport::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ended_)
    return;
  if (ec) {
    finish(classify_write_error(ec));
    return;
  }
  token_.shared()->queued_bytes -= tx_.front().payload.size();
  tx_.pop_front();
  ++writes_completed_;
  if (!tx_.empty())
    do_write();
  else if (close_requested_ && !close_started_)
    do_close();
}

void ws_transport::do_close() {
  close_started_ = true;
  drop_queue();
  ws_.async_close(
      close_frame_,
      beast::bind_front_handler(&ws_transport::on_close, shared_from_this()));
}

void ws_transport::on_close(beast::error_code ec) {
  if (ended_)
    return;
  if (ec)
    finish(classify_write_error(ec));
  else
    finish(socket_end{conn_exit::server_closed, close_frame_.code,
                      std::string(close_frame_.reason.c_str())});
}

void ws_transport::finish(socket_end end) {
  if (!ended_) {
    ended_ = true;
    end_ = std::move(end);
    drop_queue();
    // Release the descriptor now rather than when the last reference goes.
    close_socket();
    log::net().debug("conn {} socket ended: {}", id_, to_string(end_.reason));
  }
  if (started_ && owner_) {
    caf::anon_send(owner_, ws_closed_atom::value, end_);
    owner_ = nullptr;
  }
}

void ws_transport::close_socket() {
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

} // namespace tether::net
