// The SQLite pool and its leases on a real scheduler: statements run on the
// pool's own threads, so these tests wait for answers instead of driving a
// virtual clock.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "core/scoped_ask.hpp"
#include "support/test_server.hpp"
#include "tether/database.hpp"
#include "tether/messages.hpp"
#include "tether/resource_error.hpp"
#include "tether/session.hpp"
#include "tether/topic_hub.hpp"

using namespace std::chrono_literals;
using tether::db_params;
using tether::db_result;
using tether::db_value;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{tether::test::recommended(cfg)};
  tether::resource_gauges_ptr gauges =
      std::make_shared<tether::resource_gauges>();
  caf::scoped_actor self{sys};
  std::vector<caf::actor> services;

  ~fixture() {
    for (auto& s : services)
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  }

  caf::actor pool(tether::sqlite_pool_config cfg) {
    auto result = tether::spawn_sqlite_pool(sys, std::move(cfg), gauges);
    services.push_back(result);
    return result;
  }

  // Asks `dst` and waits up to 10 s; a CAF error becomes an exception with
  // tether's description of it.
  template <class T, class... Ts>
  T ask(const caf::actor& dst, Ts&&... xs) {
    caf::error failure;
    auto result = tether::detail::scoped_ask<T>(self, dst, 10s, &failure,
                                                std::forward<Ts>(xs)...);
    if (!result)
      throw std::runtime_error(tether::describe(failure));
    return std::move(*result);
  }

  db_result exec(const caf::actor& lease, std::string sql,
                 db_params params = {}) {
    return ask<db_result>(lease, tether::db_exec_atom::value, std::move(sql),
                          std::move(params));
  }

  caf::actor lease(const caf::actor& p) {
    return ask<caf::actor>(p, tether::lease_acquire_atom::value);
  }

  // Polls `pred` for up to 5 s: resources are given back by messages that
  // the test does not wait for.
  template <class Pred>
  bool eventually(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }
};

tether::sqlite_pool_config memory_pool(size_t connections = 2) {
  tether::sqlite_pool_config cfg;
  cfg.connections = connections;
  cfg.setup = {"CREATE TABLE t(id INTEGER PRIMARY KEY, v)"};
  return cfg;
}

std::string temp_path(const char* name) {
  auto path = std::string{"/tmp/tether-test-"} + std::to_string(::getpid())
              + "-" + name;
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  return path;
}

} // namespace

TEST_CASE_METHOD(fixture, "a lease runs statements with parameters of every "
                          "type") {
  auto p = pool(memory_pool());
  auto l = lease(p);
  auto inserted = exec(l, "INSERT INTO t(v) VALUES (?)", {int64_t{42}});
  CHECK(inserted.changes == 1);
  CHECK(inserted.last_insert_id == 1);
  exec(l, "INSERT INTO t(v) VALUES (?)", {2.5});
  exec(l, "INSERT INTO t(v) VALUES (?)", {std::string{"text ü"}});
  exec(l, "INSERT INTO t(v) VALUES (?)", {nullptr});
  auto rows = exec(l, "SELECT id, v FROM t ORDER BY id");
  CHECK(rows.columns == std::vector<std::string>{"id", "v"});
  REQUIRE(rows.rows.size() == 4);
  CHECK(rows.changes == 0);
  CHECK(rows.rows[0][1] == db_value{int64_t{42}});
  CHECK(rows.rows[1][1] == db_value{2.5});
  CHECK(rows.rows[2][1] == db_value{std::string{"text ü"}});
  CHECK(rows.rows[3][1] == db_value{nullptr});
}

TEST_CASE_METHOD(fixture, "a bad statement fails with SQLite's message and "
                          "the lease stays usable") {
  auto p = pool(memory_pool());
  auto l = lease(p);
  CHECK_THROWS_WITH(exec(l, "SELEC 1"), Catch::Contains("query_failed")
                                            && Catch::Contains("syntax error"));
  CHECK_THROWS_WITH(exec(l, "SELECT 1; SELECT 2"),
                    Catch::Contains("more than one statement"));
  CHECK_THROWS_WITH(exec(l, "SELECT ?", {}),
                    Catch::Contains("1 parameter(s), got 0"));
  CHECK(exec(l, "SELECT 7").rows[0][0] == db_value{int64_t{7}});
}

TEST_CASE_METHOD(fixture, "a transaction left open is rolled back when its "
                          "lease ends") {
  auto p = pool(memory_pool(1));
  auto l = lease(p);
  exec(l, "BEGIN");
  exec(l, "INSERT INTO t(v) VALUES ('uncommitted')");
  self->send(l, tether::lease_release_atom::value);
  auto next = lease(p);
  CHECK(exec(next, "SELECT count(*) FROM t").rows[0][0]
        == db_value{int64_t{0}});
  exec(next, "INSERT INTO t(v) VALUES ('committed')");
  CHECK(exec(next, "SELECT count(*) FROM t").rows[0][0]
        == db_value{int64_t{1}});
}

TEST_CASE_METHOD(fixture, "an owner that ends normally still gives its "
                          "resources back") {
  // CAF 0.17 does not end linked actors on a normal exit; the resources must
  // not depend on it.
  auto p = pool(memory_pool());
  auto registry = tether::spawn_session_registry(sys, gauges);
  auto hub = tether::spawn_topic_hub(sys, gauges);
  services.push_back(registry);
  services.push_back(hub);
  auto owner = sys.spawn([=](caf::event_based_actor* me) -> caf::behavior {
    me->request(p, caf::infinite, tether::lease_acquire_atom::value)
        .then([](caf::actor&) {});
    me->request(registry, caf::infinite, tether::session_open_atom::value,
                std::string{"ann"}, std::map<std::string, std::string>{})
        .then([](caf::actor&) {});
    me->request(hub, caf::infinite, tether::subscribe_atom::value,
                std::string{"t"}, std::string{"ann"})
        .then([](caf::actor&, std::vector<std::string>&) {});
    return {[me](tether::close_atom) { me->quit(); }};
  });
  // The owner dropped its handles: the services keep the resources alive.
  REQUIRE(eventually([&] {
    auto n = gauges->read();
    return n.leases == 1 && n.sessions == 1 && n.subscriptions == 1;
  }));
  self->send(owner, tether::close_atom::value);
  CHECK(eventually([&] {
    auto n = gauges->read();
    return n.leases == 0 && n.sessions == 0 && n.subscriptions == 0
           && n.topics == 0 && n.pool_idle == 2;
  }));
}

TEST_CASE_METHOD(fixture, "a lease whose owner dies during a statement "
                          "returns once the statement finished") {
  auto p = pool(memory_pool(1));
  auto owner = sys.spawn([=](caf::event_based_actor* me) -> caf::behavior {
    auto held = std::make_shared<caf::actor>();
    me->request(p, caf::infinite, tether::lease_acquire_atom::value)
        .then([held](caf::actor& l) { *held = l; });
    return {[me, held](tether::close_atom) {
      // About a quarter of a second of work on the pool's thread.
      me->request(*held, caf::infinite, tether::db_exec_atom::value,
                  std::string{"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                              "SELECT x + 1 FROM c WHERE x < 3000000) "
                              "SELECT count(*) FROM c"},
                  db_params{})
          .then([](db_result&) {});
      me->quit(caf::exit_reason::user_shutdown);
    }};
  });
  REQUIRE(eventually([&] { return gauges->read().leases == 1; }));
  self->send(owner, tether::close_atom::value);
  REQUIRE(eventually([&] { return gauges->read().leases == 0; }));
  CHECK(gauges->read().pool_idle == 1);
  // The connection is handed out again, and works.
  auto l = lease(p);
  CHECK(exec(l, "SELECT 1").rows.size() == 1);
}

TEST_CASE_METHOD(fixture, "the pool answers with clear errors when it is "
                          "exhausted") {
  auto cfg = memory_pool(1);
  cfg.max_waiting = 0;
  auto p = pool(cfg);
  auto l = lease(p);
  CHECK_THROWS_WITH(lease(p), Catch::Contains("pool_exhausted")
                                  && Catch::Contains("1 connections leased"));
  cfg.max_waiting = 4;
  cfg.acquire_timeout = 50ms;
  auto q = pool(cfg);
  auto m = lease(q);
  CHECK_THROWS_WITH(lease(q), Catch::Contains("acquire_timeout")
                                  && Catch::Contains("within 50 ms"));
}

TEST_CASE_METHOD(fixture, "a file database is in WAL mode and keeps its "
                          "data") {
  auto path = temp_path("wal.db");
  tether::sqlite_pool_config cfg;
  cfg.path = path;
  cfg.setup = {"CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v)"};
  {
    auto p = pool(cfg);
    auto l = lease(p);
    CHECK(exec(l, "PRAGMA journal_mode").rows[0][0]
          == db_value{std::string{"wal"}});
    exec(l, "INSERT INTO t(v) VALUES ('kept')");
    caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  }
  auto again = pool(cfg);
  auto l = lease(again);
  CHECK(exec(l, "SELECT v FROM t").rows.at(0).at(0)
        == db_value{std::string{"kept"}});
}

TEST_CASE_METHOD(fixture, "concurrent writers on every pooled connection "
                          "lose nothing") {
  auto p = pool(memory_pool(4));
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      caf::scoped_actor me{sys};
      using tether::detail::scoped_ask;
      auto l = scoped_ask<caf::actor>(me, p, 10s, nullptr,
                                      tether::lease_acquire_atom::value);
      if (!l)
        ++failures;
      for (int i = 0; l && i < 100; ++i)
        if (!scoped_ask<db_result>(me, *l, 10s, nullptr,
                                   tether::db_exec_atom::value,
                                   std::string{"INSERT INTO t(v) VALUES (?)"},
                                   db_params{int64_t{w * 1000 + i}}))
          ++failures;
    });
  for (auto& t : writers)
    t.join();
  CHECK(failures == 0);
  auto l = lease(p);
  CHECK(exec(l, "SELECT count(*) FROM t").rows[0][0] == db_value{int64_t{400}});
}

TEST_CASE("a database that cannot be opened is an error at start naming "
          "it") {
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{tether::test::recommended(sys_cfg)};
  tether::sqlite_pool_config cfg;
  cfg.path = "/nonexistent-dir/chat.db";
  CHECK_THROWS_WITH(tether::spawn_sqlite_pool(sys, cfg),
                    Catch::Contains("/nonexistent-dir/chat.db")
                        && Catch::Contains("unable to open"));
  cfg.path = ":memory:";
  cfg.setup = {"CREATE TABEL oops"};
  CHECK_THROWS_WITH(tether::spawn_sqlite_pool(sys, cfg),
                    Catch::Contains("syntax error"));
}
