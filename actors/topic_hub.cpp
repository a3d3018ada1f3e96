// The topic hub and its subscription actors.
#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/resource_binding.hpp"
#include "tether/messages.hpp"
#include "tether/resource_error.hpp"
#include "tether/topic_hub.hpp"

namespace tether {

namespace {

// A subscription relays what the hub sends for its topic to its owner. It
// is the unit the hub counts and drops, so that the owner's death, for any
// reason, removes exactly its subscriptions.
struct subscription_state {
  // In the state, not captured by the behavior: CAF 0.17 destroys the state
  // when the actor ends, so a dead subscription stops referencing its owner
  // and cannot form a cycle with an owner that still references it.
  caf::actor owner;
  static inline const char* name = "tether.subscription";
};

using subscription_actor = caf::stateful_actor<subscription_state>;

caf::behavior subscription(subscription_actor* self, caf::actor owner,
                           caf::actor hub) {
  detail::bind_resource(self, owner, hub);
  self->state.owner = std::move(owner);
  // Passes the hub's message on as it is: a payload published to many
  // subscribers stays one shared buffer instead of a copy per subscriber.
  auto relay = [self] {
    self->send(self->state.owner,
               self->current_mailbox_element()->move_content_to_message());
  };
  return {
      [relay](topic_message_atom, const std::string&, const std::string&) {
        relay();
      },
      [relay](topic_joined_atom, const std::string&, const std::string&) {
        relay();
      },
      [relay](topic_left_atom, const std::string&, const std::string&) {
        relay();
      },
      [self](unsubscribe_atom) { self->quit(); },
  };
}

struct hub_state {
  struct subscriber {
    caf::actor handle;
    std::string label;
  };
  struct where {
    std::string topic;
    std::string label;
  };

  std::map<std::string, std::unordered_map<caf::actor_addr, subscriber>> topics;
  std::unordered_map<caf::actor_addr, where> subscriptions;
  bool announce_presence = true;
  resource_gauges_ptr gauges;

  ~hub_state() {
    gauges->topics -= static_cast<int64_t>(topics.size());
    gauges->subscriptions -= static_cast<int64_t>(subscriptions.size());
  }

  static inline const char* name = "tether.topic_hub";
};

using hub_actor = caf::stateful_actor<hub_state>;

template <class Atom>
void announce(hub_actor* self, const std::string& topic,
              const std::string& label, const caf::actor_addr& except) {
  auto& st = self->state;
  if (!st.announce_presence)
    return;
  auto i = st.topics.find(topic);
  if (i == st.topics.end())
    return;
  auto msg = caf::make_message(Atom::value, topic, label);
  for (auto& kvp : i->second)
    if (kvp.first != except)
      self->send(kvp.second.handle, msg);
}

std::vector<std::string> labels_of(const hub_state& st,
                                   const std::string& topic) {
  std::vector<std::string> result;
  auto i = st.topics.find(topic);
  if (i != st.topics.end())
    for (auto& kvp : i->second)
      result.push_back(kvp.second.label);
  std::sort(result.begin(), result.end());
  return result;
}

caf::result<caf::actor, std::vector<std::string>>
subscribe(hub_actor* self, std::string& topic, std::string& label) {
  auto& st = self->state;
  auto owner = caf::actor_cast<caf::actor>(self->current_sender());
  if (!owner)
    return make_error(resource_error::bad_request,
                      "a subscription needs an owner");
  if (topic.empty())
    return make_error(resource_error::bad_request, "empty topic");
  auto handle =
      self->spawn(subscription, owner, caf::actor_cast<caf::actor>(self));
  self->monitor(handle);
  auto& members = st.topics[topic];
  if (members.empty())
    ++st.gauges->topics;
  members.emplace(handle.address(), hub_state::subscriber{handle, label});
  st.subscriptions.emplace(handle.address(), hub_state::where{topic, label});
  ++st.gauges->subscriptions;
  announce<topic_joined_atom>(self, topic, label, handle.address());
  return {handle, labels_of(st, topic)};
}

void drop(hub_actor* self, const caf::actor_addr& addr) {
  auto& st = self->state;
  auto i = st.subscriptions.find(addr);
  if (i == st.subscriptions.end())
    return;
  auto where = std::move(i->second);
  st.subscriptions.erase(i);
  --st.gauges->subscriptions;
  auto t = st.topics.find(where.topic);
  if (t == st.topics.end())
    return;
  t->second.erase(addr);
  if (t->second.empty()) {
    st.topics.erase(t);
    --st.gauges->topics;
    return;
  }
  announce<topic_left_atom>(self, where.topic, where.label, addr);
}

uint64_t publish(hub_actor* self, const std::string& topic,
                 const std::string& payload) {
  auto& st = self->state;
  auto i = st.topics.find(topic);
  if (i == st.topics.end())
    return 0;
  auto msg = caf::make_message(topic_message_atom::value, topic, payload);
  for (auto& kvp : i->second)
    self->send(kvp.second.handle, msg);
  return i->second.size();
}

caf::behavior hub(hub_actor* self, resource_gauges_ptr gauges,
                  bool announce_presence) {
  auto& st = self->state;
  st.gauges = gauges ? std::move(gauges) : std::make_shared<resource_gauges>();
  st.announce_presence = announce_presence;
  self->set_down_handler([self](caf::down_msg& x) { drop(self, x.source); });
  return {
      [self](subscribe_atom, std::string& topic, std::string& label) {
        return subscribe(self, topic, label);
      },
      [self](publish_atom, const std::string& topic,
             const std::string& payload) {
        auto reached = publish(self, topic, payload);
        // Only a request gets the count: after a plain send, CAF would
        // deliver it to the publisher as an unexpected message.
        if (self->current_message_id().is_request())
          self->make_response_promise<uint64_t>().deliver(reached);
      },
      [self](members_atom, const std::string& topic) {
        return labels_of(self->state, topic);
      },
      [self](snapshot_atom) {
        resource_counts result;
        result.topics = self->state.topics.size();
        result.subscriptions = self->state.subscriptions.size();
        return result;
      },
  };
}

} // namespace

caf::actor spawn_topic_hub(caf::actor_system& sys, resource_gauges_ptr gauges,
                           bool announce_presence) {
  return sys.spawn(hub, std::move(gauges), announce_presence);
}

} // namespace tether
