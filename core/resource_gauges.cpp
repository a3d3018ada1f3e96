#include "tether/resource_gauges.hpp"

namespace tether {

namespace {

// A gauge briefly below zero would mean a bug in a service's bookkeeping;
// report it as zero rather than as 2^64 - 1.
uint64_t load(const std::atomic<int64_t>& gauge) {
  auto value = gauge.load(std::memory_order_relaxed);
  return value < 0 ? 0 : static_cast<uint64_t>(value);
}

} // namespace

resource_counts resource_gauges::read() const {
  resource_counts result;
  result.sessions = load(sessions);
  result.topics = load(topics);
  result.subscriptions = load(subscriptions);
  result.leases = load(leases);
  result.pool_size = load(pool_size);
  result.pool_idle = load(pool_idle);
  result.lease_waiters = load(lease_waiters);
  return result;
}

} // namespace tether
