#include "actors/connection_actor.hpp"

#include <exception>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/message_view.hpp>
#include <caf/sec.hpp>

#include "tether/connection_actor.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"

namespace tether {

namespace detail {

// Starts the close handshake once; `cause` becomes the exit reason unless
// the peer fails to answer. The deadline is an actor timer so that virtual
// time drives it in tests.
void begin_close(connection_state& st, uint16_t code, std::string reason,
                 conn_exit cause) {
  if (st.close_cause || !st.transport)
    return;
  log::actors().debug("conn {} closing with {} ({}), cause {}", st.id, code,
                      reason, to_string(cause));
  st.close_cause = cause;
  st.transport->close(code, std::move(reason));
  st.self->delayed_send(st.self, st.settings.close_timeout,
                        close_timeout_atom::value, ++st.close_generation);
}

namespace {

// Runs application code. An exception must not kill the actor outright:
// the peer is owed a close frame with 1011, and only this connection fails.
template <class F>
void guarded(connection_state& st, const char* where, F&& f) {
  const char* what = nullptr;
  try {
    f();
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  log::actors().warn("conn {} handler threw in {}: {}", st.id, where, what);
  begin_close(st, close_code::internal_error, "internal error",
              conn_exit::handler_error);
}

// Ends the actor after the socket ended. A cause the server chose (handler
// error, shutdown) wins over how the socket happened to end, except that a
// plain close the peer never answered is reported as a close timeout.
void finish(connection_actor_type* self, const socket_end& end) {
  auto& st = self->state;
  auto reason = end.reason;
  if (st.close_cause && *st.close_cause != conn_exit::server_closed)
    reason = *st.close_cause;
  log::actors().debug("conn {} socket ended: {} (code {}, '{}'), exit {}",
                      st.id, to_string(end.reason), end.close_code, end.detail,
                      to_string(reason));
  if (st.user.on_end) {
    try {
      st.user.on_end(st.ctx, end);
    } catch (const std::exception& e) {
      log::actors().warn("conn {} handler threw in on_end: {}", st.id,
                         e.what());
    } catch (...) {
      log::actors().warn("conn {} handler threw in on_end", st.id);
    }
  }
  st.transport.reset();
  self->quit(make_error(reason));
}

bool is_shutdown_reason(const caf::error& reason) {
  return reason == caf::exit_reason::user_shutdown
         || as_conn_exit(reason) == conn_exit::server_shutdown;
}

void install_special_handlers(connection_actor_type* self) {
  // Links carry the end of the supervisor and of resource actors. A normal
  // exit of a linked helper is not a reason to close the connection.
  self->set_exit_handler([self](caf::exit_msg& x) {
    auto& st = self->state;
    if (!x.reason)
      return;
    if (st.close_cause) {
      // A shutdown while already closing means: stop waiting for the peer.
      if (is_shutdown_reason(x.reason)) {
        st.transport->abort();
        finish(self, socket_end{conn_exit::aborted, 0, "shutdown"});
      }
      return;
    }
    if (is_shutdown_reason(x.reason))
      begin_close(st, close_code::going_away, "server shutting down",
                  conn_exit::server_shutdown);
    else
      begin_close(st, close_code::internal_error, "internal error",
                  conn_exit::linked_actor_failed);
  });
  // Application messages from other actors go to the handler's on_message,
  // guarded like every other callback.
  self->set_default_handler(
      [self](caf::scheduled_actor*,
             caf::message_view& x) -> caf::result<caf::message> {
        auto& st = self->state;
        if (!st.user.on_message) {
          log::actors().debug("conn {} dropped an unexpected message", st.id);
          return caf::sec::unexpected_message;
        }
        auto msg = x.move_content_to_message();
        caf::optional<caf::message> reply;
        guarded(st, "on_message", [&] { reply = st.user.on_message(msg); });
        if (reply)
          return std::move(*reply);
        if (st.close_cause == conn_exit::handler_error)
          return caf::message{};
        return caf::sec::unexpected_message;
      });
  // Last line of defence: the actor dies, and the state's destructor drops
  // the socket because no close frame can be sent from here.
  self->set_exception_handler(
      [self](caf::scheduled_actor*, std::exception_ptr&) -> caf::error {
        log::actors().warn("conn {} died from an exception", self->state.id);
        return make_error(conn_exit::handler_error);
      });
}

} // namespace

connection_state::connection_state(caf::event_based_actor* self_ptr)
    : self(self_ptr), ctx(*this) {
  // nop
}

connection_state::~connection_state() {
  if (transport)
    transport->abort();
}

caf::behavior connection_actor(connection_actor_type* self, transport_ptr t,
                               conn_id id, connection_settings cfg,
                               handler_factory factory) {
  auto& st = self->state;
  st.id = id;
  st.peer = t->peer();
  st.transport = t;
  st.settings = cfg;
  install_special_handlers(self);
  guarded(st, "handler factory", [&] { st.user = factory(st.ctx); });
  t->start(caf::actor_cast<caf::actor>(self));
  return {
      [self](ws_text_atom, std::string& text) {
        auto& st = self->state;
        if (st.close_cause)
          return;
        if (!st.user.on_text) {
          begin_close(st, close_code::unsupported_data,
                      "text messages not supported", conn_exit::server_closed);
          return;
        }
        guarded(st, "on_text",
                [&] { st.user.on_text(st.ctx, std::move(text)); });
      },
      [self](ws_binary_atom, std::vector<uint8_t>& data) {
        auto& st = self->state;
        if (st.close_cause)
          return;
        if (!st.user.on_binary) {
          begin_close(st, close_code::unsupported_data,
                      "binary messages not supported",
                      conn_exit::server_closed);
          return;
        }
        guarded(st, "on_binary",
                [&] { st.user.on_binary(st.ctx, std::move(data)); });
      },
      [self](ws_closed_atom, socket_end& end) { finish(self, end); },
      [self](send_text_atom, std::string& text) {
        self->state.ctx.send_text(std::move(text));
      },
      [self](send_binary_atom, std::vector<uint8_t>& data) {
        self->state.ctx.send_binary(std::move(data));
      },
      [self](close_atom, uint16_t code, std::string& reason) {
        self->state.ctx.close(code, std::move(reason));
      },
      [self](shutdown_atom) {
        begin_close(self->state, close_code::going_away, "server shutting down",
                    conn_exit::server_shutdown);
      },
      [self](close_timeout_atom, uint64_t generation) {
        auto& st = self->state;
        if (!st.close_cause || generation != st.close_generation)
          return;
        log::actors().debug("conn {} peer did not answer the close frame",
                            st.id);
        st.transport->abort();
        finish(self, socket_end{conn_exit::close_timeout, 0,
                                "no close frame from peer in time"});
      },
  };
}

} // namespace detail

// -- connection ---------------------------------------------------------------

conn_id connection::id() const {
  return state_.id;
}

const std::string& connection::peer() const {
  return state_.peer;
}

caf::event_based_actor* connection::self() const {
  return state_.self;
}

void connection::send_text(std::string text) {
  if (state_.close_cause || !state_.transport)
    return;
  state_.transport->send(frame_kind::text, std::move(text));
}

void connection::send_binary(std::vector<uint8_t> data) {
  if (state_.close_cause || !state_.transport)
    return;
  state_.transport->send(frame_kind::binary,
                         std::string(data.begin(), data.end()));
}

void connection::close(uint16_t code, std::string reason) {
  detail::begin_close(state_, code, std::move(reason),
                      conn_exit::server_closed);
}

bool connection::closing() const {
  return state_.close_cause.has_value();
}

caf::actor spawn_connection(caf::actor_system& sys, transport_ptr t, conn_id id,
                            connection_settings cfg, handler_factory factory) {
  return sys.spawn(detail::connection_actor, std::move(t), id, cfg,
                   std::move(factory));
}

} // namespace tether
