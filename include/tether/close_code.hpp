// WebSocket close codes (RFC 6455, section 7.4.1) that tether sends.
#pragma once

#include <cstdint>

namespace tether::close_code {

/// The purpose of the connection was fulfilled.
constexpr uint16_t normal = 1000;
/// The server is going down or the endpoint is going away.
constexpr uint16_t going_away = 1001;
/// The peer broke the WebSocket protocol.
constexpr uint16_t protocol_error = 1002;
/// The endpoint cannot accept this kind of data (text or binary).
constexpr uint16_t unsupported_data = 1003;
/// A text message was not valid UTF-8.
constexpr uint16_t invalid_payload = 1007;
/// The message violated the application's policy.
constexpr uint16_t policy_violation = 1008;
/// The message was larger than the endpoint accepts.
constexpr uint16_t message_too_big = 1009;
/// The server met an unexpected condition (e.g. the handler threw).
constexpr uint16_t internal_error = 1011;
/// First code of the range applications may use for their own purposes.
constexpr uint16_t first_private = 4000;
/// tether's own: the peer sent no message within `idle_timeout`.
constexpr uint16_t idle_timeout = 4000;

} // namespace tether::close_code
