#include "chat/chat_app.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "chat/chat_history.hpp"
#include "chat/web_assets.hpp"
#include "tether/database.hpp"
#include "tether/origin.hpp"
#include "tether/session.hpp"
#include "tether/topic_hub.hpp"

namespace tether::chat {

server_config chat_server_defaults() {
  server_config cfg;
  cfg.websocket_path = "/chat";
  cfg.max_message_bytes = 64 * 1024;
  // Off: a user who only reads sends nothing and must stay. The heartbeat
  // still drops peers that are gone.
  cfg.connection.idle_timeout = std::chrono::milliseconds{0};
  // Only the chat's own page may connect from a browser: any other site a
  // user visits could otherwise post and read in the user's name.
  cfg.allowed_origins = {std::string{same_host_origin}};
  return cfg;
}

std::string chat_options_error(const chat_options& opts) {
  if (opts.db_path.empty())
    return "the database path is empty (use :memory: for none)";
  if (opts.history > max_history)
    return "history must be at most " + std::to_string(max_history)
           + " messages";
  if (opts.db_connections == 0)
    return "db-connections must be at least 1";
  return {};
}

chat_app::chat_app(caf::actor_system& sys, chat_options opts)
    : sys_(sys), opts_(std::move(opts)),
      gauges_(std::make_shared<resource_gauges>()),
      services_(std::make_shared<chat_services>()) {
  auto factory = [services = services_](connection& c) {
    return chat_handlers(c, *services);
  };
  server_ =
      std::make_unique<tether::server>(sys_, opts_.server, factory, gauges_);
  add_web_routes(*server_);
}

chat_app::~chat_app() {
  stop();
}

void chat_app::start() {
  if (started_)
    throw std::logic_error("tether::chat::chat_app::start called twice");
  if (auto error = chat_options_error(opts_); !error.empty())
    throw std::invalid_argument("invalid chat options: " + error);
  started_ = true;
  sqlite_pool_config db;
  db.path = opts_.db_path;
  db.connections = opts_.db_connections;
  db.max_waiting = opts_.db_wait_queue;
  db.acquire_timeout = opts_.db_acquire_timeout;
  db.setup = schema_statements();
  try {
    // The pool first: it is the part that fails on a bad path.
    services_->pool = spawn_sqlite_pool(sys_, std::move(db), gauges_);
    services_->sessions = spawn_session_registry(sys_, gauges_, true);
    services_->hub = spawn_topic_hub(sys_, gauges_, true);
    services_->history = opts_.history;
    server_->start();
  } catch (...) {
    stopped_ = true;
    end_services();
    throw;
  }
}

void chat_app::stop() {
  if (!started_ || stopped_)
    return;
  stopped_ = true;
  // Connections first: they end with their sessions, subscriptions and
  // leases, and so release them before the services go.
  server_->stop();
  end_services();
}

void chat_app::end_services() {
  for (auto* service :
       {&services_->sessions, &services_->hub, &services_->pool})
    if (*service)
      caf::anon_send_exit(*service, caf::exit_reason::user_shutdown);
}

tether::server& chat_app::server() {
  return *server_;
}

const chat_options& chat_app::options() const {
  return opts_;
}

std::string chat_app::page_url() const {
  const auto& address = server_->config().address;
  auto host =
      address.find(':') == std::string::npos ? address : "[" + address + "]";
  return "http://" + host + ":" + std::to_string(server_->port()) + "/";
}

} // namespace tether::chat
