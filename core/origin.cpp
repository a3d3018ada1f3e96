#include "tether/origin.hpp"

#include <cctype>

namespace tether {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// "http://host:port" -> "host:port"; empty if `origin` has no scheme or a
// path ("null" from sandboxed pages, for one, has neither host nor scheme).
std::string_view host_of(std::string_view origin) {
  auto sep = origin.find("://");
  if (sep == std::string_view::npos)
    return {};
  auto rest = origin.substr(sep + 3);
  if (rest.empty() || rest.find('/') != std::string_view::npos)
    return {};
  return rest;
}

} // namespace

bool origin_allowed(const std::vector<std::string>& allowed,
                    std::string_view origin, std::string_view host) {
  if (allowed.empty() || origin.empty())
    return true;
  for (auto& entry : allowed) {
    if (entry == same_host_origin) {
      auto origin_host = host_of(origin);
      if (!origin_host.empty() && equal_ignoring_case(origin_host, host))
        return true;
    } else if (equal_ignoring_case(entry, origin)) {
      return true;
    }
  }
  return false;
}

} // namespace tether
