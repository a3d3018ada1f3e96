// One SQLite connection: opening and tuning it, running one statement.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "tether/database.hpp"

struct sqlite3;

namespace tether::db {

/// A failure reported by SQLite, with its message and the statement or
/// path it concerns.
class sqlite_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Where and how to open connections to one database.
struct sqlite_target {
  /// The name for `sqlite3_open_v2`: a path, or a `file:` URI.
  std::string uri;
  /// False for a database held in memory: no WAL, no durability settings.
  bool on_disk = true;
  std::chrono::milliseconds busy_timeout{5000};
  bool sync_full = false;

  /// A target for `path`; ":memory:" becomes a named in-memory database
  /// unique to this process and call, shared by every connection opened to
  /// it and gone when the last one closes.
  static sqlite_target for_path(const std::string& path,
                                std::chrono::milliseconds busy_timeout,
                                bool sync_full);
};

class sqlite_connection {
public:
  /// Opens (creating if needed) and configures a connection; the first one
  /// to a file switches it to WAL mode. Throws `sqlite_error`.
  explicit sqlite_connection(const sqlite_target& target);
  ~sqlite_connection();

  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  /// Runs one statement with `params` bound to its `?` placeholders.
  /// Throws `sqlite_error`, e.g. for a syntax error, a wrong parameter count
  /// or more than one statement.
  db_result exec(const std::string& sql, const db_params& params);

  /// Runs `sql`, which may hold several statements and returns no rows.
  void exec_script(const std::string& sql);

  /// Rolls back a transaction the previous user left open.
  void reset();

private:
  sqlite3* db_ = nullptr;
};

} // namespace tether::db
