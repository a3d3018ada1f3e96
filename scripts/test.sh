#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_packages
build
raise_fd_limit
cd "$build_dir"
ctest --output-on-failure -j2 --timeout 300
