// Plain HTTP routes served on the WebSocket port.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tether {

/// A plain (non-upgrade) HTTP request.
struct http_request {
  std::string method;
  /// The request target as sent, e.g. "/room?name=x".
  std::string target;
  /// The target without its query, e.g. "/room".
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// The answer to an `http_request`.
struct http_response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// Extra headers, e.g. {"Cache-Control", "no-cache"}.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Serves one path. Runs on an I/O thread: it must not block.
using http_handler = std::function<http_response(const http_request&)>;

} // namespace tether
