#!/usr/bin/env bash
# Dockerfile, runtime stage: installs only what a node needs to run, on a slim Debian: the packages that provide
# mediasoup's worker's shared libraries (listed by build.sh in PACKAGES_FILE, from the worker actually built) and
# ca-certificates (TLS to PostgreSQL, Redis, Sentry, an OTLP collector). No compiler, no -dev package.
#
# Usage: install-runtime-deps.sh PACKAGES_FILE           install them (as root)
#        install-runtime-deps.sh --list PACKAGES_FILE    print them
#        install-runtime-deps.sh --check PACKAGES_FILE   exit 1 naming any that is not installed here
set -euo pipefail

mode=install
case "${1:-}" in
  --list | --check) mode="${1#--}"; shift ;;
esac
[[ $# -eq 1 && -f "$1" ]] || { echo "usage: install-runtime-deps.sh [--list|--check] PACKAGES_FILE" >&2; exit 2; }

mapfile -t packages < <(grep -v -e '^#' -e '^[[:space:]]*$' "$1")
packages+=(ca-certificates)

case "$mode" in
  list)
    printf '%s\n' "${packages[@]}"
    ;;
  check)
    missing=()
    for p in "${packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if (( ${#missing[@]} )); then
      echo "install-runtime-deps: not installed: ${missing[*]}" >&2
      exit 1
    fi
    echo "install-runtime-deps: all ${#packages[@]} packages installed"
    ;;
  install)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}"
    rm -rf /var/lib/apt/lists/*
    ;;
esac
