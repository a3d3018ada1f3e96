// What every sample server shares: the server options on the command line,
// the log level, and stopping on SIGINT/SIGTERM.
#pragma once

#include <string>

#include "common/cli.hpp"
#include "tether/config.hpp"

namespace tether::samples {

/// Adds --address, --port, --threads, --ws-path, --max-message,
/// --handshake-timeout, --close-timeout and --shutdown-timeout.
void add_server_options(cli& opts, server_config& cfg);

/// Adds --log-level.
void add_log_option(cli& opts, std::string& level);

/// Sets the level of tether's loggers; on an unknown name prints an error
/// to stderr and returns false.
bool apply_log_level(const std::string& program, const std::string& level);

/// Blocks SIGINT and SIGTERM for this thread and every thread it starts
/// later, so that `wait_for_stop_signal` receives them. Call first in main.
void block_stop_signals();

/// Waits for SIGINT or SIGTERM and returns its number.
int wait_for_stop_signal();

} // namespace tether::samples
