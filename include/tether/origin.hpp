// Which web pages may open WebSocket connections to a server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tether {

/// The `allowed_origins` entry that admits pages served by the server
/// itself: an `Origin` whose host (and port) equals the request's `Host`.
inline constexpr std::string_view same_host_origin = "same-host";

/// Whether an upgrade request with header `origin` (empty if absent) and
/// header `host` may proceed under `allowed`. An empty list admits any
/// origin. A request without `Origin` is always admitted: browsers always
/// send one, other clients could send any, so the check guards browser users
/// against other sites (cross-site WebSocket hijacking), not the server
/// against scripts. Comparisons ignore ASCII case.
bool origin_allowed(const std::vector<std::string>& allowed,
                    std::string_view origin, std::string_view host);

} // namespace tether
