// The session registry and its session actors.
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/resource_binding.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"
#include "tether/resource_error.hpp"
#include "tether/session.hpp"

namespace tether {

namespace {

struct session_state {
  session_info info;
  static inline const char* name = "tether.session";
};

caf::behavior session(caf::stateful_actor<session_state>* self,
                      caf::actor owner, caf::actor registry,
                      session_info info) {
  self->state.info = std::move(info);
  detail::bind_resource(self, owner, registry);
  return {
      [self](session_get_atom) { return self->state.info; },
      [self](session_set_atom, std::string& key, std::string& value) {
        self->state.info.attributes[std::move(key)] = std::move(value);
      },
      [self](session_end_atom) { self->quit(); },
  };
}

struct registry_state {
  struct entry {
    caf::actor handle;
    std::string user;
  };

  // Live sessions by actor, and the same sessions by user name.
  std::unordered_map<caf::actor_addr, entry> live;
  std::unordered_multimap<std::string, caf::actor> by_user;
  uint64_t next_id = 1;
  bool unique_users = true;
  resource_gauges_ptr gauges;

  ~registry_state() {
    // Sessions end with the registry; they are no longer counted here.
    gauges->sessions -= static_cast<int64_t>(live.size());
  }

  static inline const char* name = "tether.session_registry";
};

using registry_actor = caf::stateful_actor<registry_state>;

void forget(registry_state& st, const caf::actor_addr& addr) {
  auto i = st.live.find(addr);
  if (i == st.live.end())
    return;
  auto range = st.by_user.equal_range(i->second.user);
  for (auto j = range.first; j != range.second; ++j) {
    if (j->second.address() == addr) {
      st.by_user.erase(j);
      break;
    }
  }
  st.live.erase(i);
  --st.gauges->sessions;
}

caf::result<caf::actor> open(registry_actor* self, std::string& user,
                             std::map<std::string, std::string>& attributes) {
  auto& st = self->state;
  auto owner = caf::actor_cast<caf::actor>(self->current_sender());
  if (!owner)
    return make_error(resource_error::bad_request, "a session needs an owner");
  if (user.empty())
    return make_error(resource_error::bad_request, "empty user name");
  if (st.unique_users && st.by_user.count(user) > 0)
    return make_error(resource_error::name_taken,
                      "user '" + user + "' has a session already");
  session_info info{st.next_id++, user, std::move(attributes)};
  auto handle = self->spawn(session, owner, caf::actor_cast<caf::actor>(self),
                            std::move(info));
  self->monitor(handle);
  st.live.emplace(handle.address(), registry_state::entry{handle, user});
  st.by_user.emplace(std::move(user), handle);
  ++st.gauges->sessions;
  return handle;
}

caf::behavior registry(registry_actor* self, resource_gauges_ptr gauges,
                       bool unique_users) {
  auto& st = self->state;
  st.gauges = gauges ? std::move(gauges) : std::make_shared<resource_gauges>();
  st.unique_users = unique_users;
  self->set_down_handler(
      [self](caf::down_msg& x) { forget(self->state, x.source); });
  return {
      [self](session_open_atom, std::string& user,
             std::map<std::string, std::string>& attributes) {
        return open(self, user, attributes);
      },
      [self](session_open_atom, std::string& user) {
        std::map<std::string, std::string> none;
        return open(self, user, none);
      },
      [self](session_find_atom, const std::string& user) {
        std::vector<caf::actor> result;
        auto range = self->state.by_user.equal_range(user);
        for (auto i = range.first; i != range.second; ++i)
          result.push_back(i->second);
        return result;
      },
      [self](snapshot_atom) {
        resource_counts result;
        result.sessions = self->state.live.size();
        return result;
      },
  };
}

} // namespace

caf::actor spawn_session_registry(caf::actor_system& sys,
                                  resource_gauges_ptr gauges,
                                  bool unique_users) {
  return sys.spawn(registry, std::move(gauges), unique_users);
}

} // namespace tether
