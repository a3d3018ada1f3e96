#include "net/listener.hpp"

#include <chrono>
#include <system_error>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>

#include "net/http_session.hpp"
#include "tether/logging.hpp"

namespace tether::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

listener::listener(asio::io_context& ioc, server_shared_ptr shared)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)),
      backoff_(acceptor_.get_executor()), shared_(std::move(shared)) {
  // nop
}

void listener::open(const std::string& address, uint16_t port) {
  auto fail = [&](const beast::error_code& ec, const char* step) {
    throw std::system_error(ec, "tether: cannot listen on " + address + ":"
                                    + std::to_string(port) + " (" + step + ")");
  };
  beast::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec)
    fail(ec, "bad address");
  tcp::endpoint endpoint{addr, port};
  acceptor_.open(endpoint.protocol(), ec);
  if (ec)
    fail(ec, "open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec)
    fail(ec, "reuse_address");
  acceptor_.bind(endpoint, ec);
  if (ec)
    fail(ec, "bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    fail(ec, "listen");
}

uint16_t listener::port() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void listener::run() {
  asio::post(acceptor_.get_executor(),
             [self = shared_from_this()] { self->do_accept(); });
}

void listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->backoff_.cancel();
    self->acceptor_.close(ignored);
  });
}

void listener::do_accept() {
  // Each connection gets its own strand, so its handlers never run
  // concurrently even with several I/O threads.
  acceptor_.async_accept(
      asio::make_strand(ioc_),
      beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  // The server is stopping.
  if (ec == asio::error::operation_aborted || !acceptor_.is_open())
    return;
  if (ec) {
    // Out of descriptors (EMFILE/ENFILE) or a transient network error:
    // retrying at once would spin, so pause briefly. Accepting resumes as
    // connections close.
    // While out of descriptors this repeats ten times a second: say it
    // once every 10 s with the count, not every time.
    ++failed_accepts_;
    auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning_ >= std::chrono::seconds(10)) {
      log::net().warn("accept failed {} time(s) since the last report: {}; "
                      "retrying every 100 ms",
                      failed_accepts_, ec.message());
      failed_accepts_ = 0;
      last_accept_warning_ = now;
    }
    backoff_.expires_after(std::chrono::milliseconds(100));
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait) {
      if (!wait)
        self->do_accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<http_session>(std::move(socket), ++next_id_,
                                 socket_token{shared_})
      ->run();
  do_accept();
}

} // namespace tether::net
