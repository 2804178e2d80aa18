#!/usr/bin/env bash
# Dockerfile, `pgbouncer` stage: Debian's PgBouncer, the same package the topology suite and `bun run test` run,
# for compose.yaml and the Kubernetes manifests, which mount the shipped deploy/pgbouncer/pgbouncer.ini.
# /etc/pgbouncer belongs to the unprivileged `postgres` user the package creates, so the entrypoint can write
# the auth file there from the environment; Debian's sample config and auth file are removed.
#
# Usage: install-pgbouncer.sh            install (as root)
#        install-pgbouncer.sh --list     print the packages
set -euo pipefail

packages=(pgbouncer ca-certificates)
if [[ "${1:-}" == --list ]]; then printf '%s\n' "${packages[@]}"; exit 0; fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
rm -rf /var/lib/apt/lists/*
rm -f /etc/pgbouncer/pgbouncer.ini /etc/pgbouncer/userlist.txt
install -d -o postgres -g postgres -m 0750 /etc/pgbouncer
install -d -o postgres -g postgres -m 0755 /var/run/postgresql
