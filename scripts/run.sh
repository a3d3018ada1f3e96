#!/usr/bin/env bash
# Installs what is missing, builds, and starts tether's main job: the chat
# sample, its page on http://127.0.0.1:8080/ and its messages in SQLite
# under ${XDG_DATA_HOME:-~/.local/share}/tether/chat.db (arguments are
# passed on, e.g. --port 9000 or --db /tmp/chat.db).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_packages
build tether-chat
raise_fd_limit
exec "$build_dir/samples/tether-chat" "$@"
