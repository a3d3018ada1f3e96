// A WebSocket over TCP, owned by its pending I/O and its connection actor.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/server_shared.hpp"
#include "tether/transport.hpp"

namespace tether::net {

/// Implements `tether::transport` on a Beast WebSocket stream.
///
/// Every operation runs on the stream's strand. Events go to the owner
/// actor by `anon_send`, in order, with exactly one `ws_closed_atom` last;
/// then the transport forgets its owner. At most one read, one write and
/// one close are pending at any time, as Beast requires.
class ws_transport final : public transport,
                           public pending_handshake,
                           public std::enable_shared_from_this<ws_transport> {
public:
  using ready_handler = std::function<void(std::shared_ptr<ws_transport>)>;

  ws_transport(boost::beast::tcp_stream&& stream, conn_id id, std::string peer,
               socket_token token);
  ~ws_transport() override;

  /// Completes the opening handshake for the upgrade request in `received`
  /// (as the HTTP session read it, followed by any bytes the client sent
  /// after it) and calls `on_ready` on success. On failure Beast has
  /// answered the client with an HTTP error and the socket closes.
  void accept(std::string received, ready_handler on_ready);

  void start(caf::actor owner) override;
  void send(frame_kind kind, std::string payload) override;
  void ping(std::string payload) override;
  uint64_t writes_completed() const override { return writes_completed_; }
  void close(uint16_t code, std::string reason) override;
  void abort() override;
  const std::string& peer() const override { return peer_; }
  void abort_handshake() override { abort(); }

private:
  struct outbound {
    frame_kind kind;
    std::string payload;
  };

  void on_accept(boost::beast::error_code ec, const ready_handler& on_ready);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_ping(boost::beast::error_code ec);
  void on_control_frame(boost::beast::websocket::frame_type kind,
                        boost::beast::string_view payload);
  void drop_queue();
  void do_close();
  void on_close(boost::beast::error_code ec);
  void finish(socket_end end);
  void close_socket();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer rx_;
  std::deque<outbound> tx_;
  conn_id id_;
  std::string peer_;
  socket_token token_;
  caf::actor owner_;
  socket_end end_;
  boost::beast::websocket::close_reason close_frame_;
  // Owned by the ping operation while it runs.
  boost::beast::websocket::ping_data ping_payload_;
  std::atomic<uint64_t> writes_completed_{0};
  bool started_ = false;
  bool pinging_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_started_ = false;
  bool ended_ = false;
};

} // namespace tether::net
