#!/usr/bin/env bash
# Installs what is missing, builds, and starts tether's main job: the echo
# sample on ws://127.0.0.1:8080/ (arguments are passed on, e.g. --port 9000).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_packages
build
raise_fd_limit
exec "$build_dir/samples/tether-echo" "$@"
