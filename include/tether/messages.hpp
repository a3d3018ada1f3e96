// Message tags exchanged between transports, connection actors and the
// connection supervisor.
#pragma once

#include <caf/atom.hpp>

namespace tether {

// -- transport -> connection actor --------------------------------------------

/// `(ws_text_atom, std::string)`: a text message from the peer.
using ws_text_atom = caf::atom_constant<caf::atom("ws_text")>;
/// `(ws_binary_atom, std::vector<uint8_t>)`: a binary message from the peer.
using ws_binary_atom = caf::atom_constant<caf::atom("ws_binary")>;
/// `(ws_ping_atom)`: the peer pinged (the transport answered already).
using ws_ping_atom = caf::atom_constant<caf::atom("ws_ping")>;
/// `(ws_ping_sent_atom, std::string payload)`: the transport wrote the
/// server's ping; the pong deadline runs from here.
using ws_ping_sent_atom = caf::atom_constant<caf::atom("ws_pingout")>;
/// `(ws_pong_atom, std::string payload)`: the peer answered a ping.
using ws_pong_atom = caf::atom_constant<caf::atom("ws_pong")>;
/// `(ws_peer_close_atom, uint16_t code, std::string reason)`: the peer sent
/// a close frame; the transport answered it and now waits for the peer to
/// end TCP, which a hostile peer may never do.
using ws_peer_close_atom = caf::atom_constant<caf::atom("ws_pclose")>;
/// `(ws_closed_atom, socket_end)`: the socket ended; sent exactly once.
using ws_closed_atom = caf::atom_constant<caf::atom("ws_closed")>;

// -- anyone -> connection actor -----------------------------------------------

/// `(send_text_atom, std::string)`: send a text message to the peer.
using send_text_atom = caf::atom_constant<caf::atom("send_text")>;
/// `(send_binary_atom, std::vector<uint8_t>)`: send a binary message.
using send_binary_atom = caf::atom_constant<caf::atom("send_bin")>;
/// `(close_atom, uint16_t code, std::string reason)`: start the close
/// handshake; the actor ends with `server_closed` once the peer answers.
using close_atom = caf::atom_constant<caf::atom("close")>;

// -- connection supervisor -> connection actor --------------------------------

/// `(shutdown_atom)`: close with 1001; the actor ends with `server_shutdown`.
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;

// -- connection actors, supervisor, pools <-> timer service -------------------

/// `(timer_arm_atom, caf::timespan when)`: wake the sender at `when` (time
/// since the actor clock's epoch); replaces the sender's earlier request.
using timer_arm_atom = caf::atom_constant<caf::atom("tmr_arm")>;
/// `(timer_tick_atom)`: a requested time has come.
using timer_tick_atom = caf::atom_constant<caf::atom("tmr_tick")>;
/// `(timer_wake_atom, caf::timespan when)`: the timer service's own alarm.
using timer_wake_atom = caf::atom_constant<caf::atom("tmr_wake")>;
/// `(timer_count_atom) -> uint64_t`: actors the timer service tracks.
using timer_count_atom = caf::atom_constant<caf::atom("tmr_count")>;

// -- server and tests -> connection supervisor --------------------------------

/// `(new_conn_atom, transport_ptr, conn_id)`: spawn a connection actor.
using new_conn_atom = caf::atom_constant<caf::atom("new_conn")>;
/// `(handshake_atom, conn_id, pending_handshake_ref)`: a connection entered
/// (or re-entered, for the next request on a keep-alive connection) its
/// opening phase; the supervisor drops it at `handshake_timeout`.
using handshake_atom = caf::atom_constant<caf::atom("handshake")>;
/// `(handshake_done_atom, conn_id)`: the connection left its opening phase
/// without an upgrade (closed, or failed); forget its deadline.
using handshake_done_atom = caf::atom_constant<caf::atom("hs_done")>;
/// `(snapshot_atom) -> supervisor_counts`: the supervisor's counts. Resource
/// services answer it with their `resource_counts`.
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
/// `(drain_atom) -> bool`: close every connection with 1001 and answer
/// `true` once none is left. New connections are refused meanwhile.
using drain_atom = caf::atom_constant<caf::atom("drain")>;

} // namespace tether
