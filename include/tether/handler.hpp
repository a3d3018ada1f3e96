// What an application supplies to serve connections.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/message_handler.hpp>

#include "tether/connection.hpp"
#include "tether/transport.hpp"

namespace tether {

/// The behaviour of one connection, built by a `handler_factory` when the
/// connection opens. Every callback runs inside the connection actor, one at
/// a time. A callback that throws closes its connection with 1011
/// (`conn_exit::handler_error`); other connections are untouched.
struct handlers {
  /// A text message arrived. Without it, text closes the connection with
  /// 1003 (unsupported data).
  std::function<void(connection&, std::string)> on_text;
  /// A binary message arrived. Without it, binary data closes the connection
  /// with 1003.
  std::function<void(connection&, std::vector<uint8_t>)> on_binary;
  /// The socket ended (peer close, reset, timeout...); the actor ends right
  /// after this returns. Optional.
  std::function<void(connection&, const socket_end&)> on_end;
  /// Handles any other message sent to the connection actor, e.g. from a
  /// room or a database actor. Optional.
  caf::message_handler on_message;
};

/// Called once per connection, inside its new actor, before any message.
using handler_factory = std::function<handlers(connection&)>;

} // namespace tether
