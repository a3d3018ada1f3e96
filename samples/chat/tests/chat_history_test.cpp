// The chat's SQL against a real SQLite database, and the conversion of
// rows to messages.
#include "chat/chat_history.hpp"

#include <memory>

#include <catch2/catch.hpp>
#include <sqlite3.h>

using namespace tether;
using namespace tether::chat;

namespace {

// Just enough of SQLite to run a `statement` the way the pool would.
class test_db {
public:
  test_db() {
    REQUIRE(sqlite3_open(":memory:", &db_) == SQLITE_OK);
    for (auto& sql : schema_statements())
      run({sql, {}});
  }

  ~test_db() { sqlite3_close(db_); }

  db_result run(const statement& s) {
    sqlite3_stmt* raw = nullptr;
    INFO(s.sql);
    REQUIRE(sqlite3_prepare_v2(db_, s.sql.c_str(), -1, &raw, nullptr)
            == SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt{
        raw, sqlite3_finalize};
    for (std::size_t i = 0; i < s.params.size(); ++i)
      bind(raw, static_cast<int>(i + 1), s.params[i]);
    db_result out;
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      std::vector<db_value> row;
      for (int c = 0; c < sqlite3_column_count(raw); ++c)
        row.push_back(column(raw, c));
      out.rows.push_back(std::move(row));
    }
    REQUIRE(rc == SQLITE_DONE);
    out.last_insert_id = sqlite3_last_insert_rowid(db_);
    return out;
  }

private:
  static void bind(sqlite3_stmt* s, int i, const db_value& v) {
    if (auto* n = std::get_if<int64_t>(&v))
      sqlite3_bind_int64(s, i, *n);
    else if (auto* t = std::get_if<std::string>(&v))
      sqlite3_bind_text(s, i, t->data(), static_cast<int>(t->size()),
                        SQLITE_TRANSIENT);
    else
      FAIL("unexpected parameter type");
  }

  static db_value column(sqlite3_stmt* s, int c) {
    if (sqlite3_column_type(s, c) == SQLITE_INTEGER)
      return static_cast<int64_t>(sqlite3_column_int64(s, c));
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
    return std::string(text,
                       static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
  }

  sqlite3* db_ = nullptr;
};

} // namespace

TEST_CASE("the history is the last N messages of a room, oldest first") {
  test_db db;
  for (int i = 1; i <= 5; ++i) {
    db.run(insert_message("a", "ada", "a" + std::to_string(i), 100 + i));
    db.run(insert_message("b", "bob", "b" + std::to_string(i), 200 + i));
  }
  std::size_t skipped = 99;
  auto last3 = history_from(db.run(load_history("a", 3)), skipped);
  CHECK(skipped == 0);
  REQUIRE(last3.size() == 3);
  CHECK(last3[0].text == "a3");
  CHECK(last3[2].text == "a5");
  CHECK(last3[2].nick == "ada");
  CHECK(last3[2].ts == 105);
  CHECK(last3[0].id < last3[1].id);
  CHECK(history_from(db.run(load_history("a", 50)), skipped).size() == 5);
  CHECK(history_from(db.run(load_history("a", 0)), skipped).empty());
  CHECK(history_from(db.run(load_history("none", 50)), skipped).empty());
}

TEST_CASE("an insert's last_insert_id is the message's id, never reused") {
  test_db db;
  auto first = db.run(insert_message("a", "ada", "one", 1)).last_insert_id;
  auto second = db.run(insert_message("a", "ada", "two", 2)).last_insert_id;
  CHECK(second == first + 1);
  db.run({"DELETE FROM messages WHERE id = ?", {second}});
  CHECK(db.run(insert_message("a", "ada", "three", 3)).last_insert_id
        == second + 1);
}

TEST_CASE("text is stored byte for byte, NUL and emoji included") {
  test_db db;
  std::string text("nul \0 here \xF0\x9F\x98\x80", 15);
  db.run(insert_message("a", "ada", text, 1));
  std::size_t skipped = 0;
  auto history = history_from(db.run(load_history("a", 1)), skipped);
  REQUIRE(history.size() == 1);
  CHECK(history[0].text == text);
}

TEST_CASE("rows of an unexpected shape are skipped and counted") {
  db_result r;
  r.rows.push_back(
      {int64_t{1}, std::string("ada"), std::string("hi"), int64_t{5}});
  r.rows.push_back({int64_t{2}, nullptr, std::string("hi"), int64_t{5}});
  r.rows.push_back(
      {std::string("3"), std::string("a"), std::string("b"), int64_t{5}});
  r.rows.push_back({int64_t{4}, std::string("ada")});
  std::size_t skipped = 0;
  auto history = history_from(r, skipped);
  CHECK(skipped == 3);
  REQUIRE(history.size() == 1);
  CHECK(history[0].id == 1);
}
