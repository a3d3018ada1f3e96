// What the test process holds right now, read from /proc and getrusage.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace tether::test {

/// Open file descriptors of this process.
std::size_t open_fds();

/// Open file descriptors once the count holds still for 100 ms: a socket
/// closed a moment ago (or a sanitizer's own file) is not counted as part
/// of a baseline. Gives up waiting after 5 s.
std::size_t settled_fds();

/// Threads of this process.
std::size_t thread_count();

/// The names of this process's threads, for a failure message.
std::string thread_names();

/// Resident memory of this process in KiB (VmRSS), or -1 if unknown.
long rss_kib();

/// Bytes the allocator has handed out and not yet got back, across all
/// arenas (mallinfo2). Unlike RSS, it drops as soon as memory is freed.
std::size_t heap_in_use_bytes();

/// CPU time (user + system) this process used so far.
std::chrono::microseconds cpu_time();

/// Polls `pred` every few milliseconds until it holds or `limit` passes;
/// returns its last value. For waiting on asynchronous effects, not for
/// measuring speed.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::seconds(10));

} // namespace tether::test
