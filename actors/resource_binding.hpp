// How a resource actor (session, subscription, database lease) is tied to
// the actor that owns it and to the service that handed it out.
#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

namespace tether::detail {

/// Links `self` to `owner` and monitors `service`, then installs handlers
/// so that `self` ends when either ends, whatever the reason.
///
/// The link carries the resource's failure to the owner (a connection then
/// closes with 1011). For the other direction the exit handler does not
/// rely on the owner's reason: in CAF 0.17 an exit with `normal` does not
/// end linked actors by default, and a resource whose owner is gone must
/// never outlive it. The service's end (e.g. a database pool stopping) ends
/// the resource with the service's reason, `user_shutdown` if it was
/// `normal`, so that the owner hears of it through the link.
///
/// If the owner is already dead, CAF delivers its exit at once and the
/// resource ends right away: a lease handed to an owner that died while
/// waiting goes straight back to its pool.
void bind_resource(caf::event_based_actor* self, const caf::actor& owner,
                   const caf::actor& service);

} // namespace tether::detail
