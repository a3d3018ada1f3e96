#include "tether/transport.hpp"

namespace tether {

// Anchors the vtable in the library.
transport::~transport() = default;

pending_handshake::~pending_handshake() = default;

} // namespace tether
