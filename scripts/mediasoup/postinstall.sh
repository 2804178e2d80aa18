#!/usr/bin/env bash
# package.json "postinstall": build mediasoup's worker when it is missing and the build tools are present,
# otherwise say in one line that voice stays off until it is built. Never fails the install (always exits 0):
# chat works without voice, and a missing compiler must not stop `bun install`.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PKG_DIR="$REPO_ROOT/node_modules/mediasoup"
WORKER_BIN="$PKG_DIR/worker/out/Release/mediasoup-worker"
CACHE_BIN="${XCORD_MEDIASOUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xcord}/mediasoup-worker-"
HOW="voice stays off until it is built: run scripts/mediasoup/build-worker.sh (as root it installs its Debian packages)"

say() { printf '[mediasoup] %s\n' "$*" >&2; }

# True when every Debian package build-worker.sh needs is installed.
build_tools_present() {
  command -v dpkg-query >/dev/null || return 1
  local pkg
  while read -r pkg; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || return 1
  done <"$SCRIPT_DIR/apt-packages.txt"
}

# True when a cached worker of this mediasoup version exists (build-worker.sh then only copies it).
cached_worker_present() {
  local version
  version="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG_DIR/package.json" | head -n1)"
  [[ -n "$version" && -x "$CACHE_BIN$version" ]]
}

if [[ ! -f "$PKG_DIR/package.json" ]]; then
  say "mediasoup is not installed; $HOW"
  exit 0
fi
[[ -x "$WORKER_BIN" ]] && exit 0

if cached_worker_present || build_tools_present; then
  cached_worker_present || say "building the mediasoup worker (about 4 minutes on 2 cores) ..."
  if "$SCRIPT_DIR/build-worker.sh" "$PKG_DIR" >/dev/null; then
    say "mediasoup worker ready: $WORKER_BIN"
  else
    say "mediasoup worker build failed (see the [build-worker] lines above); $HOW"
  fi
  exit 0
fi

say "mediasoup worker not built and its build tools are missing; $HOW"
exit 0
