// The deadlines of one connection: heartbeat, idle, write stall and close.
// Pure bookkeeping on time points; the connection actor feeds it events and
// the current time, and carries out what `on_tick` decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/actor_clock.hpp>

#include "tether/config.hpp"

namespace tether::detail {

class liveness {
public:
  using time_point = caf::actor_clock::time_point;

  /// What a tick asks the connection actor to do.
  enum class action {
    /// Nothing is due.
    none,
    /// Send a ping carrying `ping_payload()`.
    ping,
    /// No pong within `pong_timeout`: drop the socket.
    heartbeat_timeout,
    /// No application message within `idle_timeout`: close with 4000.
    idle_timeout,
    /// Queued writes made no progress within `write_timeout`: drop.
    write_timeout,
    /// The peer did not answer the close frame in time: drop.
    close_timeout,
  };

  liveness() = default;
  explicit liveness(const connection_settings& cfg);

  /// The connection opened at `now`.
  void start(time_point now);

  /// A text or binary message arrived.
  void on_message_received(time_point now);

  /// A ping arrived from the peer (Beast answered it).
  void on_ping_received(time_point now);

  /// A pong arrived. Only a pong for a ping still unanswered proves life;
  /// unsolicited, stale or guessed pongs are ignored. Returns whether it
  /// counted.
  bool on_pong_received(const std::string& payload, time_point now);

  /// The transport wrote the ping with `payload`: the pong deadline runs
  /// from now. A ping waiting behind a slow but moving write is not the
  /// peer's fault; one behind a stalled write is the write timeout's.
  void on_ping_sent(const std::string& payload, time_point now);

  /// The server queued a message; `writes_completed` is the transport's
  /// count of completed writes at this moment.
  void on_message_sent(time_point now, uint64_t writes_completed);

  /// The server started the close handshake.
  void on_close_started(time_point now);

  /// Checks what is due at `now`, given the transport's count of completed
  /// writes. Returns the most urgent action; fatal ones end the connection.
  action on_tick(time_point now, uint64_t writes_completed);

  /// Payload of the ping `on_tick` asked for: its sequence number and a
  /// tag only this connection can compute, so a peer that does not read
  /// the ping cannot forge its pong.
  const std::string& ping_payload() const { return ping_payload_; }

  /// When the next deadline falls, if any is set.
  std::optional<time_point> next_deadline() const;

private:
  std::string payload_for(uint64_t seq) const;
  // The sequence number in `payload` if this connection made it, else 0.
  uint64_t verify(const std::string& payload) const;

  static bool due(const std::optional<time_point>& t, time_point now) {
    return t && *t <= now;
  }

  connection_settings cfg_;
  std::optional<time_point> next_ping_;
  std::optional<time_point> pong_deadline_;
  std::optional<time_point> idle_deadline_;
  std::optional<time_point> write_deadline_;
  std::optional<time_point> close_deadline_;
  // Heartbeat: sequence numbers of the last ping sent and of the oldest one
  // still unanswered (0 when none is outstanding).
  uint64_t last_ping_seq_ = 0;
  uint64_t oldest_unanswered_seq_ = 0;
  uint64_t ping_secret_ = 0;
  std::string ping_payload_;
  // Write stall: messages queued so far, and completed writes seen when the
  // current watch window opened.
  uint64_t writes_queued_ = 0;
  uint64_t writes_at_window_start_ = 0;
};

} // namespace tether::detail
