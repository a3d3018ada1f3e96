#include "tether/resource_error.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace tether {

caf::error make_error(resource_error x, std::string detail) {
  return caf::error{static_cast<uint8_t>(x), resource_error_category,
                    caf::make_message(std::move(detail))};
}

const char* to_string(resource_error x) {
  switch (x) {
  case resource_error::bad_request:
    return "bad_request";
  case resource_error::pool_exhausted:
    return "pool_exhausted";
  case resource_error::acquire_timeout:
    return "acquire_timeout";
  case resource_error::query_failed:
    return "query_failed";
  case resource_error::name_taken:
    return "name_taken";
  }
  return "unknown_resource_error";
}

std::optional<resource_error> as_resource_error(const caf::error& err) {
  if (!err || err.category() != resource_error_category)
    return std::nullopt;
  auto code = err.code();
  if (code < static_cast<uint8_t>(resource_error::bad_request)
      || code > static_cast<uint8_t>(resource_error::name_taken))
    return std::nullopt;
  return static_cast<resource_error>(code);
}

std::string describe(const caf::error& err) {
  if (auto x = as_resource_error(err)) {
    std::string result = to_string(*x);
    const auto& ctx = err.context();
    if (ctx.match_elements<std::string>()
        && !ctx.get_as<std::string>(0).empty())
      result += ": " + ctx.get_as<std::string>(0);
    return result;
  }
  return caf::to_string(err);
}

} // namespace tether
