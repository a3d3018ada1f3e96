// A pool of database connections handed out as lease actors. SQLite is the
// embedded default.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "tether/resource_gauges.hpp"

namespace tether {

/// A value bound to a statement parameter or read from a result column.
using db_value = std::variant<std::nullptr_t, int64_t, double, std::string>;

/// Parameters for the `?` placeholders of one statement, in order.
using db_params = std::vector<db_value>;

/// What one statement produced.
struct db_result {
  std::vector<std::string> columns;
  std::vector<std::vector<db_value>> rows;
  /// Rows inserted, updated or deleted by the statement.
  int64_t changes = 0;
  /// The rowid of the last insert on this connection.
  int64_t last_insert_id = 0;
};

/// A SQLite database behind a pool of connections.
struct sqlite_pool_config {
  /// A file path, or ":memory:" for a private in-memory database that the
  /// pool's connections share and that ends with the pool (for tests).
  std::string path = ":memory:";
  /// Open connections; at most this many leases exist at once. Each has
  /// its own thread, because SQLite calls block.
  std::size_t connections = 4;
  /// Lease requests that may wait for a free connection; one more fails at
  /// once with `resource_error::pool_exhausted`.
  std::size_t max_waiting = 256;
  /// How long a lease request waits before it fails with
  /// `resource_error::acquire_timeout`.
  std::chrono::milliseconds acquire_timeout{2000};
  /// How long a statement waits for another connection's write lock.
  std::chrono::milliseconds busy_timeout{5000};
  /// `synchronous=FULL`: a commit also survives a power loss. The default,
  /// NORMAL in WAL mode, survives a crash or kill of the process.
  bool sync_full = false;
  /// Statements run once, in order, when the pool starts (e.g. the schema).
  std::vector<std::string> setup;
};

// -- anyone -> pool -----------------------------------------------------------

/// `(lease_acquire_atom) -> caf::actor`: leases a connection to the sender,
/// which becomes the lease's owner. The lease actor is linked to its owner,
/// so it ends when the owner ends, for any reason, and its failure reaches
/// the owner; the pool monitors it and takes the connection back exactly
/// once when it ends, rolling back a transaction left open. The pool keeps
/// the lease alive until then, even if its owner dropped the handle. Request it
/// without a timeout of your own (`caf::infinite`): the pool answers within
/// `acquire_timeout` with a lease, `resource_error::acquire_timeout` or
/// `resource_error::pool_exhausted`.
using lease_acquire_atom = caf::atom_constant<caf::atom("db_acquire")>;

// -- owner -> lease actor -----------------------------------------------------

/// `(db_exec_atom, std::string sql, db_params) -> db_result`: runs one
/// statement on the leased connection, after the ones sent before it. Fails
/// with `resource_error::query_failed` and SQLite's message.
using db_exec_atom = caf::atom_constant<caf::atom("db_exec")>;
/// `(lease_release_atom)`: gives the connection back; the owner lives on.
using lease_release_atom = caf::atom_constant<caf::atom("db_release")>;

/// Opens `cfg.connections` connections to the database (creating the file,
/// switching it to WAL mode), runs `cfg.setup`, and spawns the pool actor.
/// Throws `std::runtime_error` naming the path and SQLite's message if the
/// database cannot be opened or a setup statement fails. The pool answers
/// `snapshot_atom` with `resource_counts` (its `leases`, `pool_size`,
/// `pool_idle` and `lease_waiters`) and keeps `gauges` current if given.
caf::actor spawn_sqlite_pool(caf::actor_system& sys, sqlite_pool_config cfg,
                             resource_gauges_ptr gauges = nullptr);

} // namespace tether

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tether::db_params)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tether::db_result)
