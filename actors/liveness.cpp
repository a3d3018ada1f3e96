#include "actors/liveness.hpp"

#include <charconv>
#include <cstdio>
#include <random>

namespace tether::detail {

namespace {

bool enabled(std::chrono::milliseconds d) {
  return d.count() > 0;
}

uint64_t random_secret() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

// A keyed mix (splitmix64 finalizer): cheap, and without the secret the
// tag of a sequence number cannot be predicted from earlier ones.
uint64_t mix(uint64_t secret, uint64_t seq) {
  uint64_t x = secret ^ (seq * 0x9e3779b97f4a7c15ull);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

} // namespace

liveness::liveness(const connection_settings& cfg)
    : cfg_(cfg), ping_secret_(random_secret()) {
  // nop
}

std::string liveness::payload_for(uint64_t seq) const {
  char buf[48];
  auto n = std::snprintf(
      buf, sizeof(buf), "%llu.%016llx", static_cast<unsigned long long>(seq),
      static_cast<unsigned long long>(mix(ping_secret_, seq)));
  return std::string(buf, static_cast<std::size_t>(n));
}

uint64_t liveness::verify(const std::string& payload) const {
  uint64_t seq = 0;
  auto first = payload.data();
  auto last = first + payload.size();
  auto [end, ec] = std::from_chars(first, last, seq);
  if (ec != std::errc{} || end == first || seq == 0)
    return 0;
  return payload == payload_for(seq) ? seq : 0;
}

void liveness::start(time_point now) {
  if (enabled(cfg_.ping_interval))
    next_ping_ = now + cfg_.ping_interval;
  if (enabled(cfg_.idle_timeout))
    idle_deadline_ = now + cfg_.idle_timeout;
}

void liveness::on_message_received(time_point now) {
  if (enabled(cfg_.idle_timeout))
    idle_deadline_ = now + cfg_.idle_timeout;
  if (cfg_.heartbeat_any_frame && oldest_unanswered_seq_ != 0) {
    oldest_unanswered_seq_ = 0;
    pong_deadline_.reset();
  }
}

void liveness::on_ping_received(time_point) {
  // Control frames never count as activity for the idle timeout.
  if (cfg_.heartbeat_any_frame && oldest_unanswered_seq_ != 0) {
    oldest_unanswered_seq_ = 0;
    pong_deadline_.reset();
  }
}

bool liveness::on_pong_received(const std::string& payload, time_point now) {
  if (oldest_unanswered_seq_ == 0)
    return false;
  auto seq = verify(payload);
  // A pong answers its ping and, by the order of frames, every earlier one;
  // an echo of an old ping, or of one never sent, proves nothing.
  if (seq == 0 || seq < oldest_unanswered_seq_ || seq > last_ping_seq_)
    return false;
  if (seq == last_ping_seq_) {
    oldest_unanswered_seq_ = 0;
    pong_deadline_.reset();
  } else {
    // Later pings are still in flight; the peer has just shown it reads.
    oldest_unanswered_seq_ = seq + 1;
    pong_deadline_ = now + cfg_.pong_timeout;
  }
  return true;
}

void liveness::on_ping_sent(const std::string& payload, time_point now) {
  auto seq = verify(payload);
  // Only the oldest unanswered ping starts the clock; later ones are
  // covered by it.
  if (seq != 0 && seq == oldest_unanswered_seq_ && !pong_deadline_)
    pong_deadline_ = now + cfg_.pong_timeout;
}

void liveness::on_message_sent(time_point now, uint64_t writes_completed) {
  ++writes_queued_;
  if (cfg_.idle_counts_sends && enabled(cfg_.idle_timeout))
    idle_deadline_ = now + cfg_.idle_timeout;
  if (enabled(cfg_.write_timeout) && !write_deadline_) {
    writes_at_window_start_ = writes_completed;
    write_deadline_ = now + cfg_.write_timeout;
  }
}

void liveness::on_close_started(time_point now) {
  // While closing, only the close deadline and a stalled write matter.
  next_ping_.reset();
  pong_deadline_.reset();
  idle_deadline_.reset();
  close_deadline_ = now + cfg_.close_timeout;
}

liveness::action liveness::on_tick(time_point now, uint64_t writes_completed) {
  if (due(close_deadline_, now))
    return action::close_timeout;
  if (write_deadline_ && writes_completed >= writes_queued_) {
    write_deadline_.reset();
  } else if (due(write_deadline_, now)) {
    // A window with progress opens the next window; one without is a stall.
    if (writes_completed == writes_at_window_start_)
      return action::write_timeout;
    writes_at_window_start_ = writes_completed;
    write_deadline_ = now + cfg_.write_timeout;
  }
  if (due(pong_deadline_, now))
    return action::heartbeat_timeout;
  if (due(idle_deadline_, now))
    return action::idle_timeout;
  if (due(next_ping_, now)) {
    ++last_ping_seq_;
    if (oldest_unanswered_seq_ == 0)
      oldest_unanswered_seq_ = last_ping_seq_;
    ping_payload_ = payload_for(last_ping_seq_);
    next_ping_ = now + cfg_.ping_interval;
    return action::ping;
  }
  return action::none;
}

std::optional<liveness::time_point> liveness::next_deadline() const {
  std::optional<time_point> result;
  for (auto* t : {&next_ping_, &pong_deadline_, &idle_deadline_,
                  &write_deadline_, &close_deadline_})
    if (*t && (!result || **t < *result))
      result = *t;
  return result;
}

} // namespace tether::detail
