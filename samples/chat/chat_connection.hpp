// One chat connection: the protocol of README.md on top of the resources a
// connection holds (a session, one subscription per room, database leases).
#pragma once

#include <cstddef>

#include <caf/actor.hpp>

#include "tether/handler.hpp"

namespace tether::chat {

/// The services every chat connection uses.
struct chat_services {
  /// Session registry with unique users: one connection per nickname.
  caf::actor sessions;
  /// Topic hub with presence; room "x" is topic "room:x".
  caf::actor hub;
  /// Database pool with the schema of `schema_statements`.
  caf::actor pool;
  /// Messages a `joined` carries.
  std::size_t history = 50;
};

/// Rooms one connection may have joined at once.
constexpr std::size_t max_rooms = 16;

/// Requests one connection may have waiting: for its `hello` to be
/// answered, or for the database. One more is refused with `busy`.
constexpr std::size_t max_waiting_requests = 256;

/// The handlers of one chat connection; a `handler_factory` binds the
/// services.
handlers chat_handlers(connection& c, const chat_services& services);

} // namespace tether::chat
