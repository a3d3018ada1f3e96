#include "tether/server.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "core/scoped_ask.hpp"
#include "net/listener.hpp"
#include "net/server_shared.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"

namespace tether {

namespace asio = boost::asio;

struct server::impl {
  impl(caf::actor_system& s, server_config cfg, handler_factory f,
       resource_gauges_ptr g)
      : sys(s), factory(std::move(f)), gauges(std::move(g)),
        shared(std::make_shared<net::server_shared>(std::move(cfg))) {
    // nop
  }

  // Waits until no transport is left; connection actors release theirs as
  // they end. Returns false if some are still referenced after `limit`.
  bool await_transports(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (shared->live_transports > 0) {
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  caf::actor_system& sys;
  handler_factory factory;
  resource_gauges_ptr gauges;
  net::server_shared_ptr shared;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::shared_ptr<net::listener> acceptor;
  std::vector<std::thread> threads;
  supervisor_counts final_counts;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

server::server(caf::actor_system& sys, server_config cfg,
               handler_factory factory, resource_gauges_ptr gauges)
    : impl_(std::make_unique<impl>(sys, std::move(cfg), std::move(factory),
                                   std::move(gauges))) {
  // nop
}

server::~server() {
  stop();
}

void server::route(std::string path, http_handler handler) {
  if (impl_->started)
    throw std::logic_error("tether::server::route called after start");
  impl_->shared->routes[std::move(path)] = std::move(handler);
}

void server::start() {
  auto& d = *impl_;
  if (d.started)
    throw std::logic_error("tether::server::start called twice");
  const auto& cfg = d.shared->cfg;
  if (auto error = config_error(cfg); !error.empty())
    throw std::invalid_argument("tether: " + error);
  auto threads = cfg.io_threads;
  d.ioc = std::make_unique<asio::io_context>(static_cast<int>(threads));
  d.acceptor = std::make_shared<net::listener>(*d.ioc, d.shared);
  d.acceptor->open(cfg.address, cfg.port);
  d.port = d.acceptor->port();
  d.shared->supervisor = spawn_supervisor(d.sys, cfg, d.factory, d.gauges);
  d.work.emplace(d.ioc->get_executor());
  d.acceptor->run();
  // From here on, stop() undoes whatever part of the start succeeded.
  d.started = true;
  try {
    for (unsigned i = 0; i < threads; ++i)
      d.threads.emplace_back([ioc = d.ioc.get()] { ioc->run(); });
  } catch (const std::system_error& e) {
    auto made = d.threads.size();
    stop();
    throw std::system_error(
        e.code(), "tether: could start only " + std::to_string(made) + " of "
                      + std::to_string(threads) + " I/O threads");
  }
  log::net().info("listening on {} with {} I/O thread(s)", url(), threads);
}

void server::stop() {
  auto& d = *impl_;
  if (!d.started || d.stopped)
    return;
  d.stopped = true;
  const auto& cfg = d.shared->cfg;
  d.shared->accepting = false;
  d.acceptor->stop();
  {
    caf::scoped_actor self{d.sys};
    caf::error failure;
    if (!detail::scoped_ask<bool>(self, d.shared->supervisor,
                                  cfg.shutdown_timeout, &failure,
                                  drain_atom::value))
      log::net().warn("shutdown: drain ended early: {}",
                      exit_reason_name(failure));
    // The last counts stay readable after the supervisor is gone.
    if (auto last = detail::scoped_ask<supervisor_counts>(
            self, d.shared->supervisor, std::chrono::seconds(5), nullptr,
            snapshot_atom::value))
      d.final_counts = std::move(*last);
    // Connections still closing are dropped now.
    self->send_exit(d.shared->supervisor, caf::exit_reason::user_shutdown);
  }
  auto released = d.await_transports(std::chrono::seconds(5));
  d.work.reset();
  d.ioc->stop();
  for (auto& t : d.threads)
    t.join();
  d.threads.clear();
  if (released) {
    // The listener's acceptor and timer belong to the io_context: they go
    // first. Destroying the io_context then destroys idle HTTP sessions and
    // their sockets.
    d.acceptor.reset();
    d.ioc.reset();
  } else {
    // An actor still holds a transport whose executor is this io_context;
    // destroying it would leave that actor a dangling executor.
    log::net().error("shutdown: {} transport(s) still referenced by actors; "
                     "keeping the I/O context alive",
                     d.shared->live_transports.load());
    d.ioc.release();
  }
  log::net().info("stopped listening on port {}", d.port);
}

uint16_t server::port() const {
  return impl_->port;
}

std::string server::url() const {
  const auto& cfg = impl_->shared->cfg;
  auto host = cfg.address.find(':') == std::string::npos
                  ? cfg.address
                  : "[" + cfg.address + "]";
  return "ws://" + host + ":" + std::to_string(impl_->port)
         + cfg.websocket_path;
}

supervisor_counts server::counts() const {
  if (impl_->stopped) {
    // Resources are released after the connections ended: read them now.
    auto result = impl_->final_counts;
    if (impl_->gauges)
      result.resources = impl_->gauges->read();
    return result;
  }
  if (!impl_->shared->supervisor)
    return {};
  caf::scoped_actor self{impl_->sys};
  caf::error failure;
  auto result = detail::scoped_ask<supervisor_counts>(
      self, impl_->shared->supervisor, std::chrono::seconds(5), &failure,
      snapshot_atom::value);
  if (!result)
    throw std::runtime_error("tether: supervisor did not answer: "
                             + exit_reason_name(failure));
  return std::move(*result);
}

uint64_t server::open_sockets() const {
  return impl_->shared->open_sockets;
}

uint64_t server::queued_bytes() const {
  return impl_->shared->queued_bytes;
}

caf::actor server::supervisor() const {
  return impl_->shared->supervisor;
}

const server_config& server::config() const {
  return impl_->shared->cfg;
}

} // namespace tether
