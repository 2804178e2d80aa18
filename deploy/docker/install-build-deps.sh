#!/usr/bin/env bash
# Dockerfile, build stage: the Debian packages that build XCord and mediasoup's C++ worker.
#
# The worker's build packages are the ones scripts/mediasoup/build-worker.sh needs (scripts/mediasoup/apt-packages.txt,
# the same list CI and `bun run test` install); python3 patches the worker's sources, ca-certificates lets
# `bun install` reach the npm registry over TLS.
#
# Usage: install-build-deps.sh           install them (as root, as the Dockerfile runs it)
#        install-build-deps.sh --list    print them, one per line
#        install-build-deps.sh --check   exit 1 naming any that is not installed here (nothing is installed)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LIST="$REPO_ROOT/scripts/mediasoup/apt-packages.txt"
[[ -f "$LIST" ]] || { echo "install-build-deps: $LIST not found" >&2; exit 1; }

mapfile -t packages < <(grep -v -e '^#' -e '^[[:space:]]*$' "$LIST")
packages+=(python3 ca-certificates)

case "${1:-}" in
  --list)
    printf '%s\n' "${packages[@]}"
    exit 0
    ;;
  --check)
    missing=()
    for p in "${packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if (( ${#missing[@]} )); then
      echo "install-build-deps: not installed: ${missing[*]}" >&2
      exit 1
    fi
    echo "install-build-deps: all ${#packages[@]} packages installed"
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: install-build-deps.sh [--list|--check]" >&2
    exit 2
    ;;
esac

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
rm -rf /var/lib/apt/lists/*
