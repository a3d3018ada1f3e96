// A deterministic test kit for connection actors: a fake transport that
// records what the actor sends and injects what a peer would do, and a
// fixture that runs actors on CAF's test coordinator, one message at a time
// and in virtual time.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "tether/connection_actor.hpp"
#include "tether/messages.hpp"
#include "tether/timer_service.hpp"
#include "tether/transport.hpp"

namespace tether::testing {

/// A frame the actor asked the transport to send.
struct sent_frame {
  frame_kind kind;
  std::string payload;
};

/// A transport without a socket. The actor's calls are recorded; the test
/// plays the peer with the `peer_*` functions, then runs the scheduler.
class fake_transport : public transport {
public:
  explicit fake_transport(std::string peer = "127.0.0.1:50000")
      : peer_(std::move(peer)) {}

  // -- transport ------------------------------------------------------------

  void start(caf::actor owner) override {
    ++starts_;
    if (!ended_)
      owner_ = std::move(owner);
  }

  void send(frame_kind kind, std::string payload) override {
    if (!ended_ && !close_)
      sent_.push_back(sent_frame{kind, std::move(payload)});
  }

  /// Pings go out at once, unless the test holds them back.
  void ping(std::string payload) override {
    if (ended_ || close_)
      return;
    pings_.push_back(payload);
    if (!hold_pings_)
      caf::anon_send(owner_, ws_ping_sent_atom::value, std::move(payload));
  }

  /// Pings queue behind a slow write: they are recorded but not written
  /// until `release_pings`.
  void hold_pings() { hold_pings_ = true; }

  /// Writes the pings held back so far.
  void release_pings() {
    hold_pings_ = false;
    for (auto& p : pings_)
      caf::anon_send(owner_, ws_ping_sent_atom::value, p);
  }

  /// Writes complete at once, unless the test stalled them.
  uint64_t writes_completed() const override {
    return stalled_ ? completed_at_stall_ : sent_.size();
  }

  void close(uint16_t code, std::string reason) override {
    if (!ended_ && !close_)
      close_ = std::make_pair(code, std::move(reason));
  }

  void abort() override {
    aborted_ = true;
    end(socket_end{conn_exit::aborted, 0, "aborted by server"});
  }

  const std::string& peer() const override { return peer_; }

  // -- what the actor did -----------------------------------------------------

  /// How often `start` was called (a correct actor calls it once).
  int starts() const { return starts_; }

  const std::vector<sent_frame>& sent() const { return sent_; }

  /// Payloads of the pings sent so far, in order.
  const std::vector<std::string>& pings() const { return pings_; }

  /// The texts sent so far, in order.
  std::vector<std::string> sent_texts() const {
    std::vector<std::string> result;
    for (auto& frame : sent_)
      if (frame.kind == frame_kind::text)
        result.push_back(frame.payload);
    return result;
  }

  /// The close frame the actor asked for, if any: (code, reason).
  const std::optional<std::pair<uint16_t, std::string>>& close_sent() const {
    return close_;
  }

  /// Whether the actor dropped the socket without a close handshake.
  bool aborted() const { return aborted_; }

  /// Whether the socket is gone (reported to the actor or aborted).
  bool ended() const { return ended_; }

  // -- playing the peer
  // ---------------------------------------------------------

  void peer_text(std::string text) {
    if (!ended_)
      caf::anon_send(owner_, ws_text_atom::value, std::move(text));
  }

  void peer_binary(std::vector<uint8_t> data) {
    if (!ended_)
      caf::anon_send(owner_, ws_binary_atom::value, std::move(data));
  }

  /// The peer answers a ping with `payload` (or sends an unsolicited pong).
  void peer_pong(std::string payload) {
    if (!ended_)
      caf::anon_send(owner_, ws_pong_atom::value, std::move(payload));
  }

  /// The peer answers the last ping the server sent.
  void peer_pong_last() {
    if (!pings_.empty())
      peer_pong(pings_.back());
  }

  /// The peer pings (the transport answers by itself).
  void peer_ping() {
    if (!ended_)
      caf::anon_send(owner_, ws_ping_atom::value);
  }

  /// The peer stops reading: writes queued from now on never complete.
  void stall_writes() {
    if (!stalled_)
      completed_at_stall_ = sent_.size();
    stalled_ = true;
  }

  /// The peer reads again: every queued write completes.
  void resume_writes() { stalled_ = false; }

  /// The peer sends a close frame (answered by the transport).
  void peer_close(uint16_t code, std::string reason = {}) {
    end(socket_end{conn_exit::peer_closed, code, std::move(reason)});
  }

  /// The peer sends a close frame, which the transport answers, and then
  /// keeps TCP open instead of ending it.
  void peer_close_and_linger(uint16_t code, std::string reason = {}) {
    if (!ended_)
      caf::anon_send(owner_, ws_peer_close_atom::value, code,
                     std::move(reason));
  }

  /// The peer answers the server's close frame.
  void peer_answers_close() {
    auto code = close_ ? close_->first : uint16_t{0};
    end(socket_end{conn_exit::server_closed, code, {}});
  }

  /// Forgets the owner without telling it, as if the socket had vanished
  /// with no one left to report it; lets a test drop the last reference.
  void forget_owner() { owner_ = nullptr; }

  /// The socket ends the way `reason` says (reset, eof, read_error...).
  void end(socket_end e) {
    if (ended_)
      return;
    ended_ = true;
    if (owner_)
      caf::anon_send(owner_, ws_closed_atom::value, std::move(e));
    owner_ = nullptr;
  }

private:
  std::string peer_;
  caf::actor owner_;
  int starts_ = 0;
  std::vector<sent_frame> sent_;
  std::vector<std::string> pings_;
  bool hold_pings_ = false;
  bool stalled_ = false;
  uint64_t completed_at_stall_ = 0;
  std::optional<std::pair<uint16_t, std::string>> close_;
  bool aborted_ = false;
  bool ended_ = false;
};

using fake_transport_ptr = std::shared_ptr<fake_transport>;

/// An actor system on CAF's test coordinator: nothing runs until the test
/// calls `run` or `advance`, and time moves only when the test says so.
class fixture {
public:
  fixture() : sys_(configure(cfg_)), sched_(coordinator(sys_)) {
    // CAF's own fixture starts the clock away from zero; so do we.
    sched_.clock().current_time += std::chrono::hours(1);
  }

  virtual ~fixture() {
    // Kill what the test left alive. Actors it never tracked (e.g. spawned
    // by a supervisor) may still wait for a timer that will never fire in
    // virtual time, so the actor system must not wait for them.
    for (auto& kvp : tracked_)
      if (!kvp.second.exited)
        caf::anon_send_exit(kvp.second.handle, caf::exit_reason::kill);
    run();
    tracked_.clear();
    sys_.await_actors_before_shutdown(false);
  }

  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;

  caf::actor_system& sys() { return sys_; }
  caf::scheduler::test_coordinator& sched() { return sched_; }

  /// Runs queued messages until no actor has work left.
  void run() { sched_.run(); }

  /// Moves virtual time forward by `d`, fires the timers due, then runs.
  void advance(caf::timespan d) {
    sched_.advance_time(d);
    run();
  }

  /// Number of actors the timer service tracks (connection actors that
  /// asked for a wake-up and are still alive).
  uint64_t timer_entries() {
    return ask<uint64_t>(timer_service_of(sys_), timer_count_atom::value);
  }

  /// Spawns a connection actor over `t`, runs it until idle, and tracks its
  /// exit reason.
  caf::actor spawn_connection(const fake_transport_ptr& t,
                              handler_factory factory,
                              connection_settings cfg = {}, conn_id id = 1) {
    auto handle =
        tether::spawn_connection(sys_, t, id, cfg, std::move(factory));
    track(handle);
    run();
    return handle;
  }

  /// Records `handle`'s exit reason when it terminates.
  void track(const caf::actor& handle) {
    auto key = handle.id();
    tracked_[key].handle = handle;
    handle->attach_functor([this, key](const caf::error& reason) {
      tracked_[key].reason = reason ? reason : caf::error{};
      tracked_[key].exited = true;
    });
  }

  /// Sends `xs` to `dst` as a request, runs the system and returns the
  /// reply, which must be a `T`.
  template <class T, class... Ts>
  T ask(const caf::actor& dst, Ts&&... xs) {
    caf::scoped_actor self{sys_, true};
    auto pending = self->request(dst, caf::infinite, std::forward<Ts>(xs)...);
    run();
    std::optional<T> result;
    pending.receive([&](T& x) { result = std::move(x); },
                    [&](caf::error& err) {
                      throw std::runtime_error("request failed: "
                                               + caf::to_string(err));
                    });
    return std::move(*result);
  }

  /// Whether a tracked actor terminated.
  bool exited(const caf::actor& handle) const {
    auto i = tracked_.find(handle.id());
    return i != tracked_.end() && i->second.exited;
  }

  /// The exit reason of a tracked actor that terminated, else nullopt.
  std::optional<caf::error> exit_reason(const caf::actor& handle) const {
    auto i = tracked_.find(handle.id());
    if (i == tracked_.end() || !i->second.exited)
      return std::nullopt;
    return i->second.reason;
  }

  /// The `conn_exit` a tracked connection actor ended with, else nullopt.
  std::optional<conn_exit> conn_exit_of(const caf::actor& handle) const {
    auto reason = exit_reason(handle);
    if (!reason)
      return std::nullopt;
    return as_conn_exit(*reason);
  }

private:
  struct tracked_actor {
    caf::actor handle;
    caf::error reason;
    bool exited = false;
  };

  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    return cfg;
  }

  static caf::scheduler::test_coordinator& coordinator(caf::actor_system& s) {
    return dynamic_cast<caf::scheduler::test_coordinator&>(s.scheduler());
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  caf::scheduler::test_coordinator& sched_;
  std::map<caf::actor_id, tracked_actor> tracked_;
};

} // namespace tether::testing
