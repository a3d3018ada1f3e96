// Live counts of the resources that connections hold, shared between the
// services that hand them out and whoever reports them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include <caf/meta/type_name.hpp>

namespace tether {

/// A snapshot of `resource_gauges`.
struct resource_counts {
  /// Session actors alive.
  uint64_t sessions = 0;
  /// Topics with at least one subscriber.
  uint64_t topics = 0;
  /// Subscription actors alive.
  uint64_t subscriptions = 0;
  /// Database lease actors alive (each holds one pooled connection).
  uint64_t leases = 0;
  /// Database connections the pools opened.
  uint64_t pool_size = 0;
  /// Database connections not leased now.
  uint64_t pool_idle = 0;
  /// Lease requests waiting for a free database connection.
  uint64_t lease_waiters = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resource_counts& x) {
  return f(caf::meta::type_name("tether.resource_counts"), x.sessions, x.topics,
           x.subscriptions, x.leases, x.pool_size, x.pool_idle,
           x.lease_waiters);
}

/// Gauges that the session registry, topic hubs and database pools keep
/// current, lock-free, so that a supervisor snapshot (and later a metrics
/// scrape) reads them without asking each service. Several services may
/// share one instance: each adds and removes only what it holds.
struct resource_gauges {
  std::atomic<int64_t> sessions{0};
  std::atomic<int64_t> topics{0};
  std::atomic<int64_t> subscriptions{0};
  std::atomic<int64_t> leases{0};
  std::atomic<int64_t> pool_size{0};
  std::atomic<int64_t> pool_idle{0};
  std::atomic<int64_t> lease_waiters{0};

  resource_counts read() const;
};

using resource_gauges_ptr = std::shared_ptr<resource_gauges>;

} // namespace tether
