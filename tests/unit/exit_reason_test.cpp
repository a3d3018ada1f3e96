#include "tether/exit_reason.hpp"

#include <catch2/catch.hpp>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

TEST_CASE("every conn_exit is a non-normal CAF error that round-trips") {
  for (size_t code = 1; code < tether::conn_exit_count; ++code) {
    auto x = static_cast<tether::conn_exit>(code);
    auto err = tether::make_error(x);
    CHECK(static_cast<bool>(err));
    CHECK(tether::as_conn_exit(err) == x);
    CHECK(tether::exit_reason_name(err) == tether::to_string(x));
    CHECK(std::string(tether::to_string(x)) != "unknown_conn_exit");
  }
}

TEST_CASE("exit_reason_name names CAF's own reasons") {
  CHECK(tether::exit_reason_name(caf::error{}) == "normal");
  CHECK(tether::exit_reason_name(caf::exit_reason::kill) == "kill");
  CHECK(tether::exit_reason_name(caf::exit_reason::user_shutdown)
        == "user_shutdown");
  CHECK(tether::exit_reason_name(caf::sec::request_timeout)
        == "request_timeout");
  CHECK_FALSE(tether::as_conn_exit(caf::exit_reason::user_shutdown));
}
