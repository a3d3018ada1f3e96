#include "tether/origin.hpp"

#include <catch2/catch.hpp>

using tether::origin_allowed;

TEST_CASE("an empty origin list admits every page") {
  CHECK(origin_allowed({}, "http://evil.example", "127.0.0.1:8080"));
}

TEST_CASE("same-host admits only pages of the host the client connected "
          "to") {
  std::vector<std::string> same{std::string{tether::same_host_origin}};
  CHECK(origin_allowed(same, "http://127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK(origin_allowed(same, "HTTP://Chat.Example:80", "chat.example:80"));
  CHECK_FALSE(origin_allowed(same, "http://evil.example", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(same, "http://127.0.0.1:9999", "127.0.0.1:8080"));
  // Sandboxed pages send "null"; a path is not an origin.
  CHECK_FALSE(origin_allowed(same, "null", "127.0.0.1:8080"));
  CHECK_FALSE(
      origin_allowed(same, "http://127.0.0.1:8080/x", "127.0.0.1:8080"));
}

TEST_CASE("listed origins are compared whole, ignoring case") {
  std::vector<std::string> listed{"https://chat.example.com"};
  CHECK(origin_allowed(listed, "https://CHAT.example.com", "x"));
  CHECK_FALSE(origin_allowed(listed, "http://chat.example.com", "x"));
  CHECK_FALSE(origin_allowed(listed, "https://chat.example.com.evil", "x"));
}

TEST_CASE("a request without Origin is not from a browser page and passes") {
  std::vector<std::string> listed{"https://chat.example.com"};
  CHECK(origin_allowed(listed, "", "127.0.0.1:8080"));
}
