#include "chat/chat_connection.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/message_handler.hpp>
#include <caf/send.hpp>

#include "chat/chat_history.hpp"
#include "chat/chat_protocol.hpp"
#include "chat/db_queue.hpp"
#include "chat/room_feed.hpp"
#include "tether/logging.hpp"
#include "tether/resource_error.hpp"
#include "tether/session.hpp"
#include "tether/topic_hub.hpp"

namespace tether::chat {

namespace {

const std::string topic_prefix = "room:";

using ref_type = std::optional<std::string>;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

// What a failed database request means for the client.
refusal db_refusal(const caf::error& err, ref_type ref) {
  auto x = as_resource_error(err);
  if (x == resource_error::pool_exhausted
      || x == resource_error::acquire_timeout)
    return {chat_error::busy, "the database is busy; try again",
            std::move(ref)};
  return {chat_error::storage, "the database failed", std::move(ref)};
}

// A room this connection joined, or is joining.
struct room_entry {
  // Tells the answers for this join apart from those of an earlier one of
  // the same room, left meanwhile.
  uint64_t join_seq;
  // Invalid until the hub answers the subscribe request.
  caf::actor subscription;
  room_feed feed;
};

class chat_connection : public std::enable_shared_from_this<chat_connection> {
public:
  chat_connection(connection& c, chat_services services)
      : c_(c), services_(std::move(services)),
        db_(c.self(), services_.pool, max_waiting_requests) {}

  void on_text(std::string text) {
    if (c_.closing())
      return;
    // Requests wait for the pending `hello`, so that a client may send its
    // first `join` without waiting for `welcome`.
    if (naming_) {
      if (held_requests_.size() < max_waiting_requests)
        held_requests_.push_back(std::move(text));
      else
        refuse_waiting(text, "too many requests sent before `welcome`");
      return;
    }
    handle(text);
  }

  void on_room_event(const std::string& topic, room_event::kind what,
                     const std::string& data) {
    if (topic.compare(0, topic_prefix.size(), topic_prefix) != 0)
      return;
    auto i = rooms_.find(topic.substr(topic_prefix.size()));
    if (i == rooms_.end())
      return; // left; the subscription's last events are still arriving
    auto sender = c_.self()->current_sender();
    room_event ev{what, data, sender ? sender->id() : 0};
    send_all(i->second.feed.on_event(std::move(ev)));
  }

private:
  // -- requests ---------------------------------------------------------------

  void handle(const std::string& text) {
    auto parsed = parse_request(text);
    if (auto* r = std::get_if<refusal>(&parsed))
      return refuse(std::move(*r));
    auto& req = std::get<request>(parsed);
    std::visit([&](auto& body) { on_request(body, std::move(req.ref)); },
               req.body);
  }

  void on_request(hello_request& r, ref_type ref) {
    if (nick_)
      return refuse(chat_error::already_named,
                    "this connection is named '" + *nick_ + "' already", ref);
    naming_ = true;
    auto me = shared_from_this();
    std::map<std::string, std::string> attributes{{"peer", c_.peer()}};
    c_.self()
        ->request(services_.sessions, caf::infinite, session_open_atom::value,
                  r.nick, std::move(attributes))
        .then(
            [me, nick = r.nick](caf::actor& session) {
              me->on_named(nick, std::move(session));
            },
            [me, nick = r.nick, ref](caf::error& err) {
              me->on_name_refused(nick, err, ref);
            });
  }

  void on_request(join_request& r, ref_type ref) {
    if (!nick_)
      return refuse(chat_error::no_nick, "send `hello` first", ref);
    // Refused, not answered with a fresh `joined`: each one would read and
    // send the whole history again, for a client that may never read it.
    if (rooms_.count(r.room) > 0)
      return refuse(chat_error::already_joined,
                    "already in room " + r.room + "; `leave` it first", ref);
    if (rooms_.size() >= max_rooms)
      return refuse(chat_error::too_many_rooms,
                    "a connection may join at most " + std::to_string(max_rooms)
                        + " rooms",
                    ref);
    auto seq = next_join_seq_++;
    auto& entry = rooms_.emplace(r.room, room_entry{seq, {}, room_feed{r.room}})
                      .first->second;
    // Subscribe first and read the history after: a message stored in
    // between is then in the history or arrives live, never in neither.
    entry.feed.begin_loading();
    auto me = shared_from_this();
    c_.self()
        ->request(services_.hub, caf::infinite, subscribe_atom::value,
                  topic_prefix + r.room, *nick_)
        .then(
            [me, room = r.room, seq, ref](caf::actor& subscription,
                                          std::vector<std::string>& members) {
              me->on_subscribed(room, seq, std::move(subscription), members,
                                ref);
            },
            [me, room = r.room, seq, ref](caf::error& err) {
              me->log_failure("subscribing to", room, err);
              me->fail_join(room, seq,
                            {chat_error::busy,
                             "cannot join the room now; try again", ref});
            });
    log::conn().debug("conn {} '{}' joins room {}", c_.id(), *nick_, r.room);
  }

  void on_request(leave_request& r, ref_type ref) {
    if (!nick_)
      return refuse(chat_error::no_nick, "send `hello` first", ref);
    auto i = rooms_.find(r.room);
    if (i == rooms_.end())
      return refuse(chat_error::not_joined, "not in room " + r.room, ref);
    // A subscribe still on its way is undone when its answer arrives.
    if (i->second.subscription)
      c_.self()->send(i->second.subscription, unsubscribe_atom::value);
    rooms_.erase(i);
    send(encode_left(r.room));
    log::conn().debug("conn {} '{}' left room {}", c_.id(), *nick_, r.room);
  }

  void on_request(say_request& r, ref_type ref) {
    if (!nick_)
      return refuse(chat_error::no_nick, "send `hello` first", ref);
    if (rooms_.count(r.room) == 0)
      return refuse(chat_error::not_joined, "not in room " + r.room, ref);
    stored_message m{0, *nick_, std::move(r.text), now_ms()};
    auto stmt = insert_message(r.room, m.nick, m.text, m.ts);
    // Weak: `db_` belongs to this object and keeps the callback while the
    // statement waits, so a strong capture would be a cycle that outlives a
    // connection ending with statements queued.
    auto queued = db_.submit(std::move(stmt),
                             [weak = weak_from_this(), room = r.room, m,
                              ref](caf::expected<db_result> result) mutable {
                               if (auto me = weak.lock())
                                 me->on_stored(room, std::move(m), result, ref);
                             });
    if (!queued)
      refuse(chat_error::busy, "too many requests wait for the database", ref);
  }

  // -- answers from the services ----------------------------------------------

  void on_named(const std::string& nick, caf::actor session) {
    naming_ = false;
    nick_ = nick;
    session_ = std::move(session);
    log::conn().debug("conn {} is '{}'", c_.id(), nick);
    send(encode_welcome(nick));
    resume_held_requests();
  }

  void on_name_refused(const std::string& nick, const caf::error& err,
                       const ref_type& ref) {
    naming_ = false;
    auto x = as_resource_error(err);
    if (x == resource_error::name_taken) {
      refuse(chat_error::nick_taken, "nick '" + nick + "' is in use", ref);
    } else if (x == resource_error::bad_request) {
      refuse(chat_error::bad_nick, describe(err), ref);
    } else {
      log_failure("opening a session for", nick, err);
      refuse(chat_error::busy, "cannot open a session now; try again", ref);
    }
    resume_held_requests();
  }

  void on_subscribed(const std::string& room, uint64_t seq,
                     caf::actor subscription,
                     const std::vector<std::string>& members,
                     const ref_type& ref) {
    auto* entry = find_room(room, seq);
    if (!entry) {
      // Left before the hub answered.
      c_.self()->send(subscription, unsubscribe_atom::value);
      return;
    }
    entry->feed.set_source(subscription.id(), members);
    entry->subscription = std::move(subscription);
    load_room(room, seq, ref);
  }

  void load_room(const std::string& room, uint64_t seq, const ref_type& ref) {
    if (c_.closing())
      return;
    // Weak for the same reason as in `on_request(say_request&)`.
    auto queued = db_.submit(load_history(room, services_.history),
                             [weak = weak_from_this(), room, seq,
                              ref](caf::expected<db_result> result) {
                               if (auto me = weak.lock())
                                 me->on_history(room, seq, result, ref);
                             });
    if (!queued)
      fail_join(
          room, seq,
          {chat_error::busy, "too many requests wait for the database", ref});
  }

  void on_history(const std::string& room, uint64_t seq,
                  caf::expected<db_result>& result, const ref_type& ref) {
    auto* entry = find_room(room, seq);
    if (!entry)
      return;
    if (!result) {
      log_failure("reading the history of", room, result.error());
      fail_join(room, seq, db_refusal(result.error(), ref));
      return;
    }
    std::size_t skipped = 0;
    auto history = history_from(*result, skipped);
    if (skipped > 0)
      log::conn().warn("conn {} skipped {} history rows of unexpected shape "
                       "in room {}",
                       c_.id(), skipped, room);
    send_all(entry->feed.finish_loading(history));
  }

  // A join that cannot finish is undone.
  void fail_join(const std::string& room, uint64_t seq, refusal why) {
    auto* entry = find_room(room, seq);
    if (!entry)
      return;
    refuse(std::move(why));
    if (entry->subscription)
      c_.self()->send(entry->subscription, unsubscribe_atom::value);
    rooms_.erase(room);
  }

  void on_stored(const std::string& room, stored_message m,
                 caf::expected<db_result>& result, const ref_type& ref) {
    if (!result) {
      log_failure("storing a message in", room, result.error());
      refuse(db_refusal(result.error(), ref));
      return;
    }
    m.id = result->last_insert_id;
    send(encode_ack(ref, m.id));
    // Stored and acknowledged: every member of the room hears of it, even if
    // this connection closes meanwhile. This connection hears it through its
    // subscription like the others, so not if it left the room before the
    // message came back: a `say` and at once a `leave` get `left`, `ack`.
    caf::anon_send(services_.hub, publish_atom::value, topic_prefix + room,
                   encode_message(room, m));
  }

  // -- helpers ----------------------------------------------------------------

  void resume_held_requests() {
    while (!naming_ && !held_requests_.empty() && !c_.closing()) {
      auto text = std::move(held_requests_.front());
      held_requests_.pop_front();
      handle(text);
    }
  }

  room_entry* find_room(const std::string& room, uint64_t seq) {
    auto i = rooms_.find(room);
    if (i == rooms_.end() || i->second.join_seq != seq)
      return nullptr;
    return &i->second;
  }

  void send(std::string frame) { c_.send_text(std::move(frame)); }

  void send_all(std::vector<std::string> frames) {
    for (auto& f : frames)
      send(std::move(f));
  }

  void refuse(refusal r) {
    log::conn().debug("conn {} refused a request: {} ({})", c_.id(),
                      to_string(r.code), r.message);
    send(encode_error(r));
  }

  void refuse(chat_error code, std::string message, const ref_type& ref) {
    refuse(refusal{code, std::move(message), ref});
  }

  // Refuses a request without handling it; it is parsed only for its ref.
  void refuse_waiting(const std::string& text, std::string message) {
    auto parsed = parse_request(text);
    ref_type ref;
    if (auto* req = std::get_if<request>(&parsed))
      ref = req->ref;
    refuse(chat_error::busy, std::move(message), ref);
  }

  void log_failure(const char* what, const std::string& name,
                   const caf::error& err) {
    log::conn().warn("conn {} failed {} {}: {}", c_.id(), what, name,
                     describe(err));
  }

  connection& c_;
  chat_services services_;
  db_queue db_;
  std::optional<std::string> nick_;
  // A `hello` waits for the session registry; later requests wait for it.
  bool naming_ = false;
  std::deque<std::string> held_requests_;
  // Linked to the connection actor: the session ends when it ends.
  caf::actor session_;
  std::map<std::string, room_entry> rooms_;
  uint64_t next_join_seq_ = 1;
};

} // namespace

handlers chat_handlers(connection& c, const chat_services& services) {
  auto conn = std::make_shared<chat_connection>(c, services);
  handlers h;
  h.on_text = [conn](connection&, std::string text) {
    conn->on_text(std::move(text));
  };
  // Events from this connection's subscriptions, one per joined room.
  h.on_message = caf::message_handler{
      [conn](topic_message_atom, const std::string& topic,
             const std::string& payload) {
        conn->on_room_event(topic, room_event::kind::message, payload);
      },
      [conn](topic_joined_atom, const std::string& topic,
             const std::string& nick) {
        conn->on_room_event(topic, room_event::kind::member_joined, nick);
      },
      [conn](topic_left_atom, const std::string& topic,
             const std::string& nick) {
        conn->on_room_event(topic, room_event::kind::member_left, nick);
      },
  };
  return h;
}

} // namespace tether::chat
