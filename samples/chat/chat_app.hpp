// The chat server as a library: its services (sessions, rooms, database),
// the WebSocket server and the page, started and stopped together. main.cpp
// runs it from the command line; tests run it in-process.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "chat/chat_connection.hpp"
#include "tether/config.hpp"
#include "tether/resource_gauges.hpp"
#include "tether/server.hpp"

namespace tether::chat {

/// The server settings the chat starts from: WebSocket on /chat, messages
/// up to 64 KiB (a 2000-character text is at most 8 KB of UTF-8, 12 KB
/// escaped), and no idle timeout (a user may only read).
server_config chat_server_defaults();

struct chat_options {
  server_config server = chat_server_defaults();
  /// SQLite file, created if missing; ":memory:" keeps nothing.
  std::string db_path = ":memory:";
  /// Messages a `joined` carries, at most `max_history`.
  std::size_t history = 50;
  /// Pooled database connections.
  std::size_t db_connections = 4;
  /// Lease requests that may wait for a free connection.
  std::size_t db_wait_queue = 256;
  /// How long a lease request may wait.
  std::chrono::milliseconds db_acquire_timeout{2000};
};

/// The largest `chat_options::history`: a `joined` stays below 30 MB.
constexpr std::size_t max_history = 1000;

/// Why `opts` cannot work, in one sentence naming the option, or an empty
/// string if it can (the server part is `config_error`'s).
std::string chat_options_error(const chat_options& opts);

/// The chat server. All member functions are for one controlling thread.
class chat_app {
public:
  /// Prepares the app; nothing runs until `start`. `sys` must outlive it.
  chat_app(caf::actor_system& sys, chat_options opts);

  /// Calls `stop`.
  ~chat_app();

  chat_app(const chat_app&) = delete;
  chat_app& operator=(const chat_app&) = delete;

  /// Opens the database, spawns the services and starts the server. Throws
  /// `std::invalid_argument` for unusable options, `std::runtime_error`
  /// naming the database if it cannot be opened, and what `server::start`
  /// throws; then nothing is left running.
  void start();

  /// Stops the server, which closes every connection and so ends every
  /// resource they held, then ends the services. Idempotent.
  void stop();

  /// The WebSocket server; `counts().resources` has the services' gauges.
  tether::server& server();

  const chat_options& options() const;

  /// Where the page is, e.g. "http://127.0.0.1:8080/" ("[::1]" for IPv6).
  std::string page_url() const;

private:
  void end_services();

  caf::actor_system& sys_;
  chat_options opts_;
  resource_gauges_ptr gauges_;
  // Filled by `start`; the handler factory reads it once connections come.
  std::shared_ptr<chat_services> services_;
  std::unique_ptr<tether::server> server_;
  bool started_ = false;
  bool stopped_ = false;
};

} // namespace tether::chat
