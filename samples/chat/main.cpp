// tether-chat: a chat server with rooms, and the page to use it, on one
// port. Every connection is an actor; its session, its room subscriptions
// and its database leases are actors linked to it (see README.md).
//
//   tether-chat --port 8080 --db /tmp/chat.db
//   then open http://127.0.0.1:8080/ in a browser
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "chat/chat_app.hpp"
#include "common/app.hpp"
#include "common/cli.hpp"
#include "tether/actor_config.hpp"

namespace {

namespace fs = std::filesystem;

// ${XDG_DATA_HOME:-$HOME/.local/share}/tether/chat.db, as the XDG base
// directory spec says (a relative XDG_DATA_HOME is ignored).
std::optional<fs::path> default_db_path() {
  auto* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && fs::path{xdg}.is_absolute())
    return fs::path{xdg} / "tether" / "chat.db";
  auto* home = std::getenv("HOME");
  if (home && *home)
    return fs::path{home} / ".local" / "share" / "tether" / "chat.db";
  return std::nullopt;
}

} // namespace

int main(int argc, char** argv) {
  using namespace tether::samples;
  block_stop_signals();
  tether::chat::chat_options opts;
  auto default_db = default_db_path();
  opts.db_path = default_db ? default_db->string() : "";
  std::string log_level = "info";
  cli cmd{"tether-chat",
          "A chat server with rooms, built on tether; serves its page on "
          "the same port.",
          "tether-chat --port 8080 --db /tmp/chat.db --history 100"};
  add_server_options(cmd, opts.server);
  add_log_option(cmd, log_level);
  cmd.add("db",
          "SQLite database file, created if missing; :memory: keeps "
          "nothing",
          opts.db_path);
  cmd.add("history", "messages a join shows, oldest first (at most 1000)",
          opts.history);
  cmd.add("db-connections", "pooled database connections", opts.db_connections);
  cmd.add("db-wait-queue",
          "requests that may wait for a database connection; more get busy",
          opts.db_wait_queue);
  cmd.add("db-acquire-timeout",
          "how long a request waits for a database connection",
          opts.db_acquire_timeout);
  if (auto code = cmd.parse(argc, argv))
    return *code;
  if (!apply_log_level("tether-chat", log_level))
    return 2;
  if (opts.db_path.empty()) {
    std::cerr << "tether-chat: no --db given, and neither XDG_DATA_HOME nor "
                 "HOME is set to find the default\n";
    return 2;
  }
  if (default_db && opts.db_path == default_db->string()) {
    std::error_code ec;
    fs::create_directories(default_db->parent_path(), ec);
    if (ec) {
      std::cerr << "tether-chat: cannot create the database directory "
                << default_db->parent_path() << ": " << ec.message() << "\n";
      return 1;
    }
  }
  caf::actor_system_config sys_cfg;
  tether::recommended_actor_config(sys_cfg);
  caf::actor_system sys{sys_cfg};
  tether::chat::chat_app app{sys, opts};
  try {
    app.start();
  } catch (const std::invalid_argument& e) {
    std::cerr << "tether-chat: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // A database that cannot be opened, an address in use.
    std::cerr << "tether-chat: cannot start: " << e.what() << "\n";
    return 1;
  }
  std::cout << "*** tether-chat listening on " << app.page_url()
            << " (WebSocket " << app.server().url() << ", database "
            << opts.db_path << ")" << std::endl;
  wait_for_stop_signal();
  std::cout << "*** tether-chat stopping" << std::endl;
  app.stop();
  return 0;
}
