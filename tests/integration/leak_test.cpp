// Real sockets on 127.0.0.1: connections that vanish leave nothing behind,
// and idle connections cost no threads and no CPU.
#include <catch2/catch.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "support/process_stats.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tether::conn_exit;
using tether::test::eventually;
using tether::test::open_fds;
using tether::test::test_server;
using tether::test::ws_client;

namespace {

constexpr int connections = 1000;

std::vector<std::unique_ptr<ws_client>> open_clients(asio::io_context& ioc,
                                                     uint16_t port, int n) {
  std::vector<std::unique_ptr<ws_client>> clients;
  clients.reserve(n);
  for (int i = 0; i < n; ++i)
    clients.push_back(std::make_unique<ws_client>(ioc, port));
  return clients;
}

} // namespace

TEST_CASE("1000 connections dropped by TCP reset leave no actor and no "
          "descriptor behind") {
  test_server srv;
  asio::io_context ioc;
  // The client side's io_context opens its reactor descriptors on first
  // use; open and drop one connection so they count in the baseline.
  ws_client{ioc, srv.port()}.reset();
  REQUIRE(eventually([&] { return srv.counts().live == 0; }));
  REQUIRE(eventually([&] { return srv.server().open_sockets() == 0; }));
  auto baseline = tether::test::settled_fds();
  {
    auto clients = open_clients(ioc, srv.port(), connections);
    REQUIRE(eventually([&] { return srv.counts().live == connections; }));
    // Each connection holds one descriptor on each side.
    CHECK(open_fds() >= baseline + 2 * connections);
    for (auto& client : clients)
      client->reset();
  }
  REQUIRE(eventually([&] { return srv.counts().live == 0; }));
  auto n = srv.counts();
  CHECK(n.accepted == connections + 1);
  CHECK(n.ended_with(conn_exit::reset) + n.ended_with(conn_exit::eof)
        == connections + 1);
  CHECK(eventually([&] { return srv.server().open_sockets() == 0; }));
  CHECK(eventually([&] { return open_fds() == baseline; }));
}

TEST_CASE("1000 idle connections use no thread of their own and no "
          "measurable CPU") {
  test_server srv;
  asio::io_context ioc;
  // One connection first: the server's own threads (the timer service's
  // alarm among them) start as it starts, not per connection.
  ws_client{ioc, srv.port()}.reset();
  REQUIRE(eventually([&] { return srv.counts().ended_total() == 1; }));
  auto threads_before = tether::test::thread_count();
  INFO("threads before: " << tether::test::thread_names());
  auto clients = open_clients(ioc, srv.port(), connections);
  REQUIRE(eventually([&] { return srv.counts().live == connections; }));
  // Threads of earlier tests may still be winding down; none may appear.
  INFO("threads after: " << tether::test::thread_names());
  CHECK(tether::test::thread_count() <= threads_before);
  // Let connection set-up settle, then watch an idle second. A busy-polling
  // loop would burn close to a full core here, CAF's default scheduler
  // about 15 ms; tether's recommended one measured 0.01 ms. The precise
  // figures are in bench/README.md.
  std::this_thread::sleep_for(200ms);
  auto before = tether::test::cpu_time();
  std::this_thread::sleep_for(1s);
  auto used = tether::test::cpu_time() - before;
  INFO("CPU used in 1 s idle: " << used.count() << " us");
  CHECK(used < 5ms);
  for (auto& client : clients)
    client->reset();
}

TEST_CASE("a connection does not keep the buffer of its largest message") {
  test_server srv;
  asio::io_context ioc;
  auto clients = open_clients(ioc, srv.port(), 100);
  REQUIRE(eventually([&] { return srv.counts().live == 100; }));
  auto before = tether::test::heap_in_use_bytes();
  std::vector<uint8_t> big(1024 * 1024 - 64, 'b');
  for (auto& client : clients) {
    client->send_binary(big);
    REQUIRE(client->read().size() == big.size());
  }
  REQUIRE(eventually([&] { return srv.server().queued_bytes() == 0; }));
  // 100 idle connections that each once received 1 MiB. Keeping those
  // buffers would hold about 100 MiB; the bound leaves room for noise.
  auto grown = static_cast<long>(tether::test::heap_in_use_bytes())
               - static_cast<long>(before);
  INFO("heap grew by " << grown / 1024 << " KiB");
  CHECK(grown < 100 * 128 * 1024);
  for (auto& client : clients)
    client->reset();
}
