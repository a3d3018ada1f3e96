# Shared by scripts/run.sh and scripts/test.sh: install what is missing,
# then configure and build. Safe to run again: every step is idempotent.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${TETHER_BUILD_DIR:-$root/build}

# Installs the Debian packages named, if any; only root can.
apt_install() {
  if [ "$#" -eq 0 ]; then
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "tether: missing Debian packages: $*" >&2
    echo "tether: run this script as root to install them" >&2
    exit 1
  fi
  echo "*** installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" > /dev/null
}

install_packages() {
  local wanted missing=()
  mapfile -t wanted < <(sed 's/#.*//' "$root/scripts/debian-packages.txt" \
    | awk 'NF { print $1 }')
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null \
      | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  apt_install "${missing[@]}"
}

# The browser test's playwright-core, from tests/browser/package-lock.json.
# Debian's nodejs and npm come in only when a command is missing: a Node.js
# from elsewhere (one that bundles npm) conflicts with Debian's npm package.
install_node_packages() {
  local missing=()
  command -v node > /dev/null || missing+=(nodejs)
  command -v npm > /dev/null || missing+=(npm)
  apt_install "${missing[@]}"
  local browser_tests=$root/tests/browser
  if [ ! -d "$browser_tests/node_modules" ] \
    || [ "$browser_tests/package-lock.json" -nt "$browser_tests/node_modules" ]; then
    echo "*** installing the browser test's npm packages"
    npm ci --prefix "$browser_tests" --no-audit --no-fund
  fi
}

# Configures and builds the targets named, or everything.
build() {
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTETHER_WARNINGS_AS_ERRORS=ON > /dev/null
  local targets=()
  for t in "$@"; do
    targets+=(--target "$t")
  done
  cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
}

# Servers and tests hold thousands of sockets; lift the soft descriptor
# limit to the hard one.
raise_fd_limit() {
  ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
}
