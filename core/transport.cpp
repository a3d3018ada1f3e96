#include "tether/transport.hpp"

namespace tether {

// Anchors the vtable in the library.
transport::~transport() = default;

} // namespace tether
