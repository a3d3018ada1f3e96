// Accepts TCP connections and gives each to an HTTP session.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "net/server_shared.hpp"
#include "tether/transport.hpp"

namespace tether::net {

class listener : public std::enable_shared_from_this<listener> {
public:
  listener(boost::asio::io_context& ioc, server_shared_ptr shared);

  /// Binds and listens. Throws `std::system_error` naming the address.
  void open(const std::string& address, uint16_t port);

  /// The bound port.
  uint16_t port() const;

  /// Starts accepting.
  void run();

  /// Stops accepting; returns at once.
  void stop();

private:
  void do_accept();
  void on_accept(boost::beast::error_code ec,
                 boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  server_shared_ptr shared_;
  conn_id next_id_ = 0;
  // Rate limit for the warning about failed accepts.
  uint64_t failed_accepts_ = 0;
  std::chrono::steady_clock::time_point last_accept_warning_;
};

} // namespace tether::net
