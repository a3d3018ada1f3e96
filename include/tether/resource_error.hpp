// Errors from tether's resource services: sessions, topics and databases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace tether {

/// Why a request to a resource service or resource actor failed. Carried as
/// a CAF error, with a human-readable detail in its context.
enum class resource_error : uint8_t {
  /// The request itself is unusable, e.g. an empty topic or user name.
  bad_request = 1,
  /// Every database connection is leased and the wait queue is full.
  pool_exhausted,
  /// No database connection became free within `acquire_timeout`.
  acquire_timeout,
  /// The database refused a statement; the detail has its message.
  query_failed,
  /// The session registry allows one session per user name.
  name_taken,
};

/// The CAF error category of `resource_error` values.
constexpr caf::atom_value resource_error_category = caf::atom("tether_res");

/// Wraps `x` as a CAF error; `detail` says what happened for people.
caf::error make_error(resource_error x, std::string detail = {});

/// The error's stable name, e.g. "pool_exhausted".
const char* to_string(resource_error x);

/// The `resource_error` inside `err`, if it is one.
std::optional<resource_error> as_resource_error(const caf::error& err);

/// The human-readable detail of a tether error, or CAF's rendering of any
/// other error.
std::string describe(const caf::error& err);

} // namespace tether
