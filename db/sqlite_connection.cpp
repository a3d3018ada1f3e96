#include "db/sqlite_connection.hpp"

#include <atomic>
#include <cctype>
#include <memory>
#include <type_traits>

#include <sqlite3.h>
#include <unistd.h>

namespace tether::db {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw sqlite_error(what + ": " + sqlite3_errmsg(db));
}

struct statement_deleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_deleter>;

void bind(sqlite3* db, sqlite3_stmt* stmt, const db_params& params) {
  auto expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size()))
    throw sqlite_error("statement has " + std::to_string(expected)
                       + " parameter(s), got " + std::to_string(params.size()));
  for (int i = 0; i < expected; ++i) {
    auto rc = std::visit(
        [&](const auto& value) {
          using type = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<type, std::nullptr_t>)
            return sqlite3_bind_null(stmt, i + 1);
          else if constexpr (std::is_same_v<type, int64_t>)
            return sqlite3_bind_int64(stmt, i + 1, value);
          else if constexpr (std::is_same_v<type, double>)
            return sqlite3_bind_double(stmt, i + 1, value);
          else
            return sqlite3_bind_text64(stmt, i + 1, value.data(), value.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
        },
        params[static_cast<size_t>(i)]);
    if (rc != SQLITE_OK)
      fail(db, "binding parameter " + std::to_string(i + 1));
  }
}

db_value column(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
  case SQLITE_INTEGER:
    return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
  case SQLITE_FLOAT:
    return sqlite3_column_double(stmt, i);
  case SQLITE_NULL:
    return nullptr;
  default: {
    // Text and blobs alike: the bytes as stored.
    auto data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
    auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
    return data ? std::string(data, size) : std::string();
  }
  }
}

bool only_space(const char* tail) {
  for (; *tail; ++tail)
    if (!std::isspace(static_cast<unsigned char>(*tail)) && *tail != ';')
      return false;
  return true;
}

} // namespace

sqlite_target sqlite_target::for_path(const std::string& path,
                                      std::chrono::milliseconds busy_timeout,
                                      bool sync_full) {
  sqlite_target result;
  result.busy_timeout = busy_timeout;
  result.sync_full = sync_full;
  if (path != ":memory:") {
    result.uri = path;
    return result;
  }
  // SQLite's memdb VFS shares a named database between connections with
  // real locking (a plain ":memory:" is private to one connection).
  static std::atomic<unsigned> counter{0};
  result.uri = "file:/tether-" + std::to_string(::getpid()) + "-"
               + std::to_string(++counter) + "?vfs=memdb";
  result.on_disk = false;
  return result;
}

sqlite_connection::sqlite_connection(const sqlite_target& target) {
  auto flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI
               | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(target.uri.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error("cannot open database '" + target.uri + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(target.busy_timeout.count()));
  try {
    if (target.on_disk) {
      exec_script("PRAGMA journal_mode=WAL");
      exec_script(target.sync_full ? "PRAGMA synchronous=FULL"
                                   : "PRAGMA synchronous=NORMAL");
    }
    exec_script("PRAGMA foreign_keys=ON");
  } catch (const sqlite_error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error("cannot set up database '" + target.uri
                       + "': " + e.what());
  }
}

sqlite_connection::~sqlite_connection() {
  sqlite3_close(db_);
}

db_result sqlite_connection::exec(const std::string& sql,
                                  const db_params& params) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                         &raw, &tail)
      != SQLITE_OK)
    fail(db_, "preparing '" + sql + "'");
  statement_ptr stmt{raw};
  if (!stmt)
    throw sqlite_error("no statement in '" + sql + "'");
  if (tail && !only_space(tail))
    throw sqlite_error("more than one statement in '" + sql + "'");
  bind(db_, stmt.get(), params);
  db_result result;
  auto ncols = sqlite3_column_count(stmt.get());
  for (int i = 0; i < ncols; ++i)
    result.columns.emplace_back(sqlite3_column_name(stmt.get(), i));
  for (;;) {
    auto rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE)
      break;
    if (rc != SQLITE_ROW)
      fail(db_, "running '" + sql + "'");
    std::vector<db_value> row;
    row.reserve(static_cast<size_t>(ncols));
    for (int i = 0; i < ncols; ++i)
      row.push_back(column(stmt.get(), i));
    result.rows.push_back(std::move(row));
  }
  // For a query, SQLite would report the last write's count.
  result.changes =
      sqlite3_stmt_readonly(stmt.get()) ? 0 : sqlite3_changes64(db_);
  result.last_insert_id = sqlite3_last_insert_rowid(db_);
  return result;
}

void sqlite_connection::exec_script(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : sqlite3_errmsg(db_);
    sqlite3_free(msg);
    throw sqlite_error("running '" + sql + "': " + text);
  }
}

void sqlite_connection::reset() {
  if (!sqlite3_get_autocommit(db_))
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

} // namespace tether::db
