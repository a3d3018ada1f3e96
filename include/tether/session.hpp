// Sessions: who is behind a connection, for as long as it lives.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "tether/resource_gauges.hpp"

namespace tether {

/// What a session holds: the user's identity and free-form attributes.
struct session_info {
  /// Unique per registry for the registry's lifetime.
  uint64_t id = 0;
  std::string user;
  std::map<std::string, std::string> attributes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("tether.session_info"), x.id, x.user,
           x.attributes);
}

// -- anyone -> session registry ----------------------------------------------

/// `(session_open_atom, std::string user, std::map<std::string,
/// std::string> attributes) -> caf::actor`: opens a session for the sender,
/// which becomes its owner. The session actor is linked to the owner: it
/// ends when the owner ends, for any reason, and its failure reaches the
/// owner. The registry monitors it and forgets it when it ends. Fails with
/// `resource_error::bad_request` for an empty user and
/// `resource_error::name_taken` if the registry is unique and the user has
/// a live session.
/// `(session_open_atom, std::string user) -> caf::actor` opens one without
/// attributes.
using session_open_atom = caf::atom_constant<caf::atom("sess_open")>;
/// `(session_find_atom, std::string user) -> std::vector<caf::actor>`: the
/// live sessions of `user`.
using session_find_atom = caf::atom_constant<caf::atom("sess_find")>;

// -- anyone -> session actor --------------------------------------------------

/// `(session_get_atom) -> session_info`.
using session_get_atom = caf::atom_constant<caf::atom("sess_get")>;
/// `(session_set_atom, std::string key, std::string value)`: sets an
/// attribute.
using session_set_atom = caf::atom_constant<caf::atom("sess_set")>;
/// `(session_end_atom)`: ends the session (a logout); its owner lives on.
using session_end_atom = caf::atom_constant<caf::atom("sess_end")>;

/// Spawns a session registry. With `unique_users`, a user has at most one
/// live session. It answers `snapshot_atom` with `resource_counts` (only
/// `sessions` filled) and keeps `gauges->sessions` current if given.
caf::actor spawn_session_registry(caf::actor_system& sys,
                                  resource_gauges_ptr gauges = nullptr,
                                  bool unique_users = true);

} // namespace tether
