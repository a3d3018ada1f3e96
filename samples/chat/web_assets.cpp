#include "chat/web_assets.hpp"

#include <utility>

namespace tether::chat {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size()
         && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The page loads nothing from elsewhere; the policy makes sure an injected
// script could not either. ws: and wss: because not every browser counts a
// WebSocket to the page's own host as 'self'.
constexpr const char* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

} // namespace

std::string content_type_for(std::string_view name) {
  if (ends_with(name, ".html"))
    return "text/html; charset=utf-8";
  if (ends_with(name, ".css"))
    return "text/css; charset=utf-8";
  if (ends_with(name, ".js"))
    return "text/javascript; charset=utf-8";
  if (ends_with(name, ".svg"))
    return "image/svg+xml";
  if (ends_with(name, ".png"))
    return "image/png";
  return "application/octet-stream";
}

http_response serve_file(const embedded_file& file, const http_request& req) {
  http_response res;
  if (req.method != "GET" && req.method != "HEAD") {
    res.status = 405;
    res.body = "method not allowed: " + req.method + "\n";
    res.headers = {{"Allow", "GET, HEAD"}};
    return res;
  }
  res.content_type = content_type_for(file.name);
  res.body.assign(reinterpret_cast<const char*>(file.data), file.size);
  // The files change with the binary; a browser must not keep an old one.
  res.headers = {{"Cache-Control", "no-cache"},
                 {"Content-Security-Policy", content_security_policy},
                 {"X-Content-Type-Options", "nosniff"}};
  return res;
}

void add_web_routes(server& srv) {
  for (std::size_t i = 0; i < web_file_count; ++i) {
    const auto& file = web_files[i];
    auto handler = [&file](const http_request& req) {
      return serve_file(file, req);
    };
    srv.route(std::string("/") + file.name, handler);
    if (std::string_view{file.name} == "index.html")
      srv.route("/", handler);
  }
}

} // namespace tether::chat
