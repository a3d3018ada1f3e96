// A WebSocket server whose connections are actors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "tether/config.hpp"
#include "tether/handler.hpp"
#include "tether/http.hpp"
#include "tether/resource_gauges.hpp"
#include "tether/supervisor.hpp"

namespace tether {

/// Listens for WebSocket connections and serves each with a connection actor
/// spawned by a connection supervisor on the caller's actor system.
///
/// The actor system must outlive the server. All member functions are meant
/// for one controlling thread (e.g. `main`), not for actors.
class server {
public:
  /// Prepares a server; nothing listens until `start`. `counts()` reports
  /// `gauges` (shared with the session registry, topic hubs and database
  /// pools the handlers use) as `resources`.
  server(caf::actor_system& sys, server_config cfg, handler_factory factory,
         resource_gauges_ptr gauges = nullptr);

  /// Calls `stop`.
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Serves `path` (without query) with `handler` for plain HTTP requests.
  /// Call before `start`.
  void route(std::string path, http_handler handler);

  /// Binds, listens and starts the I/O threads. Throws
  /// `std::invalid_argument` for a configuration `config_error` rejects, and
  /// `std::system_error` naming the address if binding fails or naming the
  /// thread count if threads cannot be started (then nothing is left
  /// running).
  void start();

  /// Stops accepting, closes every connection with 1001, waits up to
  /// `shutdown_timeout` for their close handshakes, drops what is left and
  /// joins the I/O threads. Idempotent.
  void stop();

  /// The port the server listens on (the chosen one if configured as 0).
  uint16_t port() const;

  /// The URL clients connect to, e.g. "ws://127.0.0.1:8080/" or
  /// "ws://[::1]:8080/".
  std::string url() const;

  /// The supervisor's counts, asked synchronously (waits at most 5 s;
  /// throws `std::runtime_error` if the supervisor does not answer). After
  /// `stop`, the last counts taken before the supervisor ended.
  supervisor_counts counts() const;

  /// Number of TCP sockets the server holds open now, upgraded or not.
  uint64_t open_sockets() const;

  /// Bytes of messages queued for peers and not yet written, across all
  /// connections.
  uint64_t queued_bytes() const;

  /// The connection supervisor actor.
  caf::actor supervisor() const;

  const server_config& config() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace tether
