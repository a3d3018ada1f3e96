#!/usr/bin/env bash
# Installs the built tether into a temporary prefix and builds a separate
# project against it with find_package(tether), as a user would.
# Usage: install_and_consume.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix/install" > /dev/null
cmake -S "$source_dir/tests/package" -B "$prefix/consumer" \
  -DCMAKE_PREFIX_PATH="$prefix/install" \
  -DTETHER_SAMPLE_SOURCE="$source_dir/samples/minimal/main.cpp" > /dev/null
cmake --build "$prefix/consumer" -j2 > /dev/null
test -x "$prefix/consumer/minimal_consumer"
echo "find_package(tether) and the README example: ok"
