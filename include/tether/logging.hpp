// tether's loggers. One per module, all writing to stderr:
// - "tether.net":    sockets, HTTP and handshakes (debug), listen/stop (info)
// - "tether.actors": supervisor and connection actor internals (debug)
// - "tether.conn":   one info line when a connection opens and one when it
//                    ends, with its id, peer and reason
// Level policy: trace per frame, debug per connection step, info for
// lifecycle, warn for bad but survivable peer behaviour, error only for what
// an operator must act on. A normal disconnect is never an error.
#pragma once

#include <memory>

#include <spdlog/spdlog.h>

namespace tether::log {

spdlog::logger& net();
spdlog::logger& actors();
spdlog::logger& conn();

/// Sets the level of all tether loggers.
void set_level(spdlog::level::level_enum level);

} // namespace tether::log
