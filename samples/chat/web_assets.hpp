// The chat page (the files of web/), compiled into the binary and served
// on the WebSocket port, so the server is one file to copy.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tether/http.hpp"
#include "tether/server.hpp"

namespace tether::chat {

/// One file of web/.
struct embedded_file {
  /// The file name, e.g. "chat.js".
  const char* name;
  const unsigned char* data;
  std::size_t size;
};

/// Every file of web/, in the source that embed_web.cmake generates.
extern const embedded_file web_files[];
extern const std::size_t web_file_count;

/// The Content-Type for a file name, by its extension.
std::string content_type_for(std::string_view name);

/// The answer to `req` for `file`: its bytes, or 405 for a method other
/// than GET and HEAD.
http_response serve_file(const embedded_file& file, const http_request& req);

/// Routes "/" to index.html and "/<name>" to every file of web/.
void add_web_routes(server& srv);

} // namespace tether::chat
