#include "tether/exit_reason.hpp"

#include <ostream>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

namespace tether {

caf::error make_error(conn_exit x) {
  return caf::error{static_cast<uint8_t>(x), conn_exit_category};
}

const char* to_string(conn_exit x) {
  switch (x) {
  case conn_exit::peer_closed:
    return "peer_closed";
  case conn_exit::server_closed:
    return "server_closed";
  case conn_exit::eof:
    return "eof";
  case conn_exit::reset:
    return "reset";
  case conn_exit::read_error:
    return "read_error";
  case conn_exit::write_error:
    return "write_error";
  case conn_exit::protocol_error:
    return "protocol_error";
  case conn_exit::message_too_big:
    return "message_too_big";
  case conn_exit::handler_error:
    return "handler_error";
  case conn_exit::server_shutdown:
    return "server_shutdown";
  case conn_exit::close_timeout:
    return "close_timeout";
  case conn_exit::heartbeat_timeout:
    return "heartbeat_timeout";
  case conn_exit::idle_timeout:
    return "idle_timeout";
  case conn_exit::write_timeout:
    return "write_timeout";
  case conn_exit::linked_actor_failed:
    return "linked_actor_failed";
  case conn_exit::aborted:
    return "aborted";
  }
  return "unknown_conn_exit";
}

std::ostream& operator<<(std::ostream& out, conn_exit x) {
  return out << to_string(x);
}

std::optional<conn_exit> as_conn_exit(const caf::error& reason) {
  if (!reason || reason.category() != conn_exit_category)
    return std::nullopt;
  auto code = reason.code();
  if (code == 0 || code >= conn_exit_count)
    return std::nullopt;
  return static_cast<conn_exit>(code);
}

std::string exit_reason_name(const caf::error& reason) {
  if (!reason)
    return "normal";
  if (auto x = as_conn_exit(reason))
    return to_string(*x);
  if (reason.category() == caf::atom("exit"))
    return caf::to_string(static_cast<caf::exit_reason>(reason.code()));
  if (reason.category() == caf::atom("system"))
    return caf::to_string(static_cast<caf::sec>(reason.code()));
  return caf::to_string(reason);
}

} // namespace tether
