#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: once on
# a normal build, then the runtime tests again on a build with
# AddressSanitizer and UndefinedBehaviorSanitizer, which turn a
# use-after-free or a leak at shutdown into a failing test.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_packages
install_node_packages
build
raise_fd_limit
(cd "$build_dir" && ctest --output-on-failure -j2 --timeout 300)

echo "*** again under AddressSanitizer and UndefinedBehaviorSanitizer"
asan_dir=${TETHER_ASAN_BUILD_DIR:-$root/build-asan}
cmake -S "$root" -B "$asan_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTETHER_WARNINGS_AS_ERRORS=ON -DTETHER_SANITIZE=address,undefined \
  -DTETHER_BUILD_BENCH=OFF > /dev/null
cmake --build "$asan_dir" -j"$(nproc)"
# Source checks (format, README, install) ran above already.
cd "$asan_dir"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/ubsan.supp
# Timing bounds in a few loopback tests are tight for a sanitized build on
# a loaded machine: a test gets a second run there, never in the first pass.
ctest --output-on-failure -j2 --timeout 600 --repeat until-pass:2 \
  -E "clang-formatted|README quotes|find_package"
