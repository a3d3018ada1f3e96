// Asking an actor from a thread outside the actor system, with a time limit.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <caf/after.hpp>
#include <caf/error.hpp>
#include <caf/scoped_actor.hpp>

namespace tether::detail {

/// Sends `xs` to `dest` and waits up to `limit` for a `T` back; stores an
/// error reply in `failure` (if given) and returns nullopt on error or
/// timeout.
///
/// A plain send and a receive timeout, not `request(dest, limit, ...)`:
/// CAF 0.17 keeps a request's timeout in its clock with a strong reference
/// to the requester, so every short-lived scoped actor would live on until
/// its timeout fires and then be destroyed on the clock's thread, which can
/// deadlock the clock (see actors/alarm_thread.hpp).
template <class T, class... Ts>
std::optional<T> scoped_ask(caf::scoped_actor& self, const caf::actor& dest,
                            std::chrono::milliseconds limit,
                            caf::error* failure, Ts&&... xs) {
  self->send(dest, std::forward<Ts>(xs)...);
  std::optional<T> result;
  bool timed_out = false;
  self->receive([&](T& x) { result = std::move(x); },
                [&](caf::error& err) {
                  if (failure)
                    *failure = std::move(err);
                },
                caf::after(limit) >> [&] { timed_out = true; });
  if (timed_out && failure)
    *failure = caf::make_error(caf::sec::request_timeout);
  return result;
}

} // namespace tether::detail
