// The page compiled into the binary, and how it is served.
#include "chat/web_assets.hpp"

#include <set>
#include <string>

#include <catch2/catch.hpp>

using namespace tether;
using namespace tether::chat;

namespace {

const embedded_file* find(const std::string& name) {
  for (std::size_t i = 0; i < web_file_count; ++i)
    if (web_files[i].name == name)
      return &web_files[i];
  return nullptr;
}

std::string header(const http_response& res, const std::string& name) {
  for (auto& [key, value] : res.headers)
    if (key == name)
      return value;
  return {};
}

} // namespace

TEST_CASE("the page's three files are embedded whole") {
  for (auto name : {"index.html", "chat.css", "chat.js"}) {
    INFO(name);
    auto* file = find(name);
    REQUIRE(file);
    CHECK(file->size > 0);
  }
  std::string html(reinterpret_cast<const char*>(find("index.html")->data),
                   find("index.html")->size);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
}

TEST_CASE("files are served with their type, no-cache and a CSP") {
  http_request get{"GET", "/chat.js", "/chat.js", {}, {}};
  auto res = serve_file(*find("chat.js"), get);
  CHECK(res.status == 200);
  CHECK(res.content_type == "text/javascript; charset=utf-8");
  CHECK(res.body.size() == find("chat.js")->size);
  CHECK(header(res, "Cache-Control") == "no-cache");
  auto csp = header(res, "Content-Security-Policy");
  // Nothing but the server itself, WebSockets included.
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("connect-src 'self';") != std::string::npos);
  CHECK(csp.find("ws:") == std::string::npos);
  CHECK(content_type_for("index.html") == "text/html; charset=utf-8");
  CHECK(content_type_for("chat.css") == "text/css; charset=utf-8");
}

TEST_CASE("only GET and HEAD are allowed") {
  http_request post{"POST", "/", "/", {}, "x"};
  auto res = serve_file(*find("index.html"), post);
  CHECK(res.status == 405);
  CHECK(header(res, "Allow") == "GET, HEAD");
}
