// State that the server, its listener and every session share. Sessions
// hold it by shared_ptr, so none can outlive what it points to.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>

#include "tether/config.hpp"
#include "tether/http.hpp"

namespace tether::net {

struct server_shared {
  explicit server_shared(server_config c) : cfg(std::move(c)) {}

  const server_config cfg;
  // Written before the first accept, read-only afterwards.
  std::unordered_map<std::string, http_handler> routes;
  caf::actor supervisor;

  // False once the server stops: upgrades are then refused with 503.
  std::atomic<bool> accepting{true};
  std::atomic<uint64_t> open_sockets{0};
  std::atomic<uint64_t> live_transports{0};
  // Bytes queued for writing across all transports.
  std::atomic<uint64_t> queued_bytes{0};
};

using server_shared_ptr = std::shared_ptr<server_shared>;

/// Counts one open socket for as long as it lives; moves with the socket
/// from the HTTP session to the WebSocket transport.
class socket_token {
public:
  explicit socket_token(server_shared_ptr shared) : shared_(std::move(shared)) {
    ++shared_->open_sockets;
  }

  socket_token(socket_token&&) noexcept = default;
  socket_token& operator=(socket_token&&) = delete;
  socket_token(const socket_token&) = delete;
  socket_token& operator=(const socket_token&) = delete;

  ~socket_token() {
    if (shared_)
      --shared_->open_sockets;
  }

  const server_shared_ptr& shared() const { return shared_; }

private:
  server_shared_ptr shared_;
};

} // namespace tether::net
