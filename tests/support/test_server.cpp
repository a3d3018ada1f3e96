#include "support/test_server.hpp"

#include <sstream>
#include <stdexcept>

#include <caf/scoped_actor.hpp>

#include "core/scoped_ask.hpp"

namespace tether::test {

tether::handlers scripted_echo(tether::connection&) {
  tether::handlers h;
  h.on_text = [](tether::connection& c, std::string text) {
    if (text == "throw")
      throw std::runtime_error("the test asked for it");
    if (text.rfind("flood ", 0) == 0) {
      // Sends N messages of 64 KiB: enough to fill any socket buffer.
      auto n = std::stoi(text.substr(6));
      for (int i = 0; i < n; ++i)
        c.send_binary(std::vector<uint8_t>(64 * 1024, 'f'));
      return;
    }
    if (text.rfind("close ", 0) == 0) {
      std::istringstream in{text.substr(6)};
      uint16_t code = 0;
      std::string reason;
      in >> code;
      std::getline(in >> std::ws, reason);
      c.close(code, reason);
      return;
    }
    c.send_text(std::move(text));
  };
  h.on_binary = [](tether::connection& c, std::vector<uint8_t> data) {
    c.send_binary(std::move(data));
  };
  return h;
}

uint64_t timer_entries(caf::actor_system& sys) {
  caf::scoped_actor self{sys};
  caf::error failure;
  auto result = detail::scoped_ask<uint64_t>(self, timer_service_of(sys),
                                             std::chrono::seconds(5), &failure,
                                             timer_count_atom::value);
  if (!result)
    throw std::runtime_error("timer service did not answer: "
                             + caf::to_string(failure));
  return *result;
}

server_config test_server::make_config(const tweak& adjust) {
  server_config cfg;
  cfg.address = "127.0.0.1";
  cfg.port = 0;
  if (adjust)
    adjust(cfg);
  return cfg;
}

caf::actor_system_config& recommended(caf::actor_system_config& cfg) {
  recommended_actor_config(cfg);
  return cfg;
}

caf::actor_system_config& test_server::configure(caf::actor_system_config& c) {
  return recommended(c);
}

test_server::test_server(handler_factory factory, const tweak& adjust)
    : sys_(configure(sys_cfg_)),
      server_(sys_, make_config(adjust), std::move(factory)) {
  server_.start();
}

test_server::~test_server() {
  server_.stop();
}

} // namespace tether::test
