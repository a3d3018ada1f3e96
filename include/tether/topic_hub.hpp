// Publish/subscribe with topics, where every subscription is an actor tied
// to its subscriber.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "tether/resource_gauges.hpp"

namespace tether {

// -- anyone -> topic hub ------------------------------------------------------

/// `(subscribe_atom, std::string topic, std::string label) -> (caf::actor
/// subscription, std::vector<std::string> labels)`: subscribes the sender
/// to `topic`. The subscription actor is linked to the sender, its owner,
/// so it ends when the owner ends, for any reason; the hub monitors it and
/// drops it when it ends. The reply lists the labels of every subscription
/// to the topic, this one included, sorted, one per subscription: a label
/// subscribed twice appears twice. Fails
/// with `resource_error::bad_request` for an empty topic.
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
/// `(publish_atom, std::string topic, std::string payload)`: sends
/// `payload` to every live subscriber of `topic`. Sent as a request, it
/// answers how many (`uint64_t`); a plain send gets no answer.
using publish_atom = caf::atom_constant<caf::atom("publish")>;
/// `(members_atom, std::string topic) -> std::vector<std::string>`: the
/// labels of the topic's subscribers, sorted.
using members_atom = caf::atom_constant<caf::atom("members")>;

// -- owner -> subscription actor ---------------------------------------------

/// `(unsubscribe_atom)`: ends the subscription; its owner lives on.
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;

// -- subscription actor -> owner ----------------------------------------------
//
// Each of these comes from the subscription actor (`current_sender()`), so
// an owner can tell an old subscription to a topic from a new one.
// Presence is per subscription, not per label: a label subscribed twice
// joins twice and leaves twice.

/// `(topic_message_atom, std::string topic, std::string payload)`: a
/// message published to the topic.
using topic_message_atom = caf::atom_constant<caf::atom("topic_msg")>;
/// `(topic_joined_atom, std::string topic, std::string label)`: another
/// subscriber joined the topic (with `announce_presence`).
using topic_joined_atom = caf::atom_constant<caf::atom("topic_join")>;
/// `(topic_left_atom, std::string topic, std::string label)`: another
/// subscriber left, for whatever reason its subscription ended (with
/// `announce_presence`).
using topic_left_atom = caf::atom_constant<caf::atom("topic_left")>;

/// Spawns a topic hub. A topic exists while it has subscribers. With
/// `announce_presence`, subscribers hear of each other's arrival and
/// departure. It answers `snapshot_atom` with `resource_counts` (`topics`
/// and `subscriptions` filled) and keeps `gauges` current if given.
caf::actor spawn_topic_hub(caf::actor_system& sys,
                           resource_gauges_ptr gauges = nullptr,
                           bool announce_presence = true);

} // namespace tether
