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
#include "tether/timer_service.hpp"

namespace tether {

namespace detail {

namespace {

liveness::time_point now(const connection_state& st) {
  return st.self->clock().now();
}

// Asks the timer service to wake this actor at its next deadline. A later
// deadline needs no request: the earlier wake-up finds nothing due and asks
// again. So activity (every message moves the idle deadline) costs nothing.
void sync_timer(connection_state& st) {
  auto next = st.deadlines.next_deadline();
  if (!next || (st.wake_requested && *st.wake_requested <= *next))
    return;
  st.wake_requested = next;
  st.self->send(
      st.timers, timer_arm_atom::value,
      std::chrono::duration_cast<caf::timespan>(next->time_since_epoch()));
}

} // namespace

// Starts the close handshake once; `cause` becomes the exit reason unless
// the peer fails to answer in time.
void begin_close(connection_state& st, uint16_t code, std::string reason,
                 conn_exit cause) {
  if (st.close_cause || !st.transport)
    return;
  log::actors().debug("conn {} closing with {} ({}), cause {}", st.id, code,
                      reason, to_string(cause));
  st.close_cause = cause;
  st.transport->close(code, std::move(reason));
  st.deadlines.on_close_started(now(st));
  sync_timer(st);
}

void send_frame(connection_state& st, frame_kind kind, std::string payload) {
  if (st.close_cause || !st.transport)
    return;
  st.transport->send(kind, std::move(payload));
  st.deadlines.on_message_sent(now(st), st.transport->writes_completed());
  sync_timer(st);
}

namespace {

// Runs application code. An exception must not kill the actor outright:
// the peer is owed a close frame with 1011, and only this connection fails.
template <class F>
void guarded(connection_state& st, const char* where, F&& f) {
  // A copy: the exception, and the text e.what() points into, are gone
  // once the catch block ends.
  std::string what;
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

// Hands a message from the peer to the application. Kinds the application
// has no callback for are refused with 1003, as RFC 6455 suggests.
template <class Callback, class Payload>
void deliver(connection_state& st, const Callback& callback, Payload& payload,
             const char* kind) {
  if (st.close_cause)
    return;
  st.deadlines.on_message_received(now(st));
  if (!callback) {
    begin_close(st, close_code::unsupported_data,
                std::string(kind) + " messages not supported",
                conn_exit::server_closed);
    return;
  }
  guarded(st, kind, [&] { callback(st.ctx, std::move(payload)); });
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

// Drops the socket without a close handshake: the peer is dead or not
// reading, so it could not take part in one.
void abort_with(connection_actor_type* self, const socket_end& end) {
  auto& st = self->state;
  log::actors().debug("conn {} dropping the socket: {}", st.id, end.detail);
  st.transport->abort();
  finish(self, end);
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
      if (is_shutdown_reason(x.reason))
        abort_with(self, {conn_exit::aborted, 0, "shutdown"});
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
  // A request the handler made failed and the handler took no error
  // callback: CAF's default would end the actor with that raw error and no
  // close frame. It is the handler's failure, closed like an exception.
  self->set_error_handler([self](caf::error& err) {
    auto& st = self->state;
    log::actors().warn("conn {} a request failed unhandled: {}", st.id,
                       exit_reason_name(err));
    begin_close(st, close_code::internal_error, "internal error",
                conn_exit::handler_error);
  });
  // An exception outside the guarded callbacks, e.g. in a `then` callback:
  // CAF ends the actor whatever this returns. The peer is still owed a
  // close frame, so the transport sends 1011 and finishes the close alone,
  // bounded by its own handshake timeout, instead of being dropped.
  self->set_exception_handler(
      [self](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
        auto& st = self->state;
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(eptr);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
          // keeps "unknown exception"
        }
        log::actors().warn("conn {} died from an exception: {}", st.id, what);
        if (st.transport) {
          if (!st.close_cause)
            st.transport->close(close_code::internal_error, "internal error");
          st.transport.reset();
        }
        return make_error(conn_exit::handler_error);
      });
}

// Carries out what the deadlines say is due now, most urgent first.
void on_tick(connection_actor_type* self) {
  auto& st = self->state;
  st.wake_requested.reset();
  if (!st.transport)
    return;
  for (;;) {
    using action = liveness::action;
    auto what = st.deadlines.on_tick(now(st), st.transport->writes_completed());
    switch (what) {
    case action::none:
      sync_timer(st);
      return;
    case action::ping:
      st.transport->ping(st.deadlines.ping_payload());
      continue;
    case action::idle_timeout:
      begin_close(st, close_code::idle_timeout, "idle timeout",
                  conn_exit::idle_timeout);
      continue;
    case action::heartbeat_timeout:
      abort_with(self, {conn_exit::heartbeat_timeout, 0, "no pong in time"});
      return;
    case action::write_timeout:
      abort_with(self, {conn_exit::write_timeout, 0, "writes stalled"});
      return;
    case action::close_timeout:
      // If the peer sent its close frame but kept TCP open, the handshake
      // itself completed: end with its outcome.
      abort_with(self, st.peer_close ? *st.peer_close
                                     : socket_end{conn_exit::close_timeout, 0,
                                                  "no close frame from peer "
                                                  "in time"});
      return;
    }
  }
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
  st.deadlines = liveness{cfg};
  st.timers = timer_service_of(self->system());
  install_special_handlers(self);
  st.deadlines.start(now(st));
  guarded(st, "handler factory", [&] { st.user = factory(st.ctx); });
  sync_timer(st);
  t->start(caf::actor_cast<caf::actor>(self));
  return {
      [self](ws_text_atom, std::string& text) {
        deliver(self->state, self->state.user.on_text, text, "text");
      },
      [self](ws_binary_atom, std::vector<uint8_t>& data) {
        deliver(self->state, self->state.user.on_binary, data, "binary");
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
      [self](ws_ping_atom) {
        auto& st = self->state;
        st.deadlines.on_ping_received(now(st));
      },
      [self](ws_pong_atom, const std::string& payload) {
        auto& st = self->state;
        if (!st.deadlines.on_pong_received(payload, now(st)))
          log::actors().debug("conn {} ignored an unexpected pong '{}'", st.id,
                              payload);
        // A partly answered heartbeat restarts the pong deadline.
        sync_timer(st);
      },
      [self](ws_ping_sent_atom, const std::string& payload) {
        auto& st = self->state;
        st.deadlines.on_ping_sent(payload, now(st));
        sync_timer(st);
      },
      [self](ws_peer_close_atom, uint16_t code, std::string& reason) {
        auto& st = self->state;
        if (st.close_cause) {
          // The peer answered our close frame; only the end of TCP is still
          // owed, and the close deadline already runs.
          st.peer_close =
              socket_end{conn_exit::server_closed, code, std::move(reason)};
          return;
        }
        // The transport answered; the peer now owes the end of TCP, within
        // the close deadline.
        st.close_cause = conn_exit::peer_closed;
        st.peer_close =
            socket_end{conn_exit::peer_closed, code, std::move(reason)};
        st.deadlines.on_close_started(now(st));
        sync_timer(st);
      },
      [self](timer_tick_atom) { on_tick(self); },
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
  detail::send_frame(state_, frame_kind::text, std::move(text));
}

void connection::send_binary(std::vector<uint8_t> data) {
  detail::send_frame(state_, frame_kind::binary,
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
