#!/usr/bin/env bash
# Dockerfile, `pgbouncer` stage: Debian's PgBouncer, the same package the topology suite and `bun run test` run,
# for compose.yaml and the Kubernetes manifests, which mount the shipped deploy/pgbouncer/pgbouncer.ini.
# PgBouncer runs as `postgres`, created here first with a fixed uid/gid (10002) so the image's USER can be
# numeric (Kubernetes' runAsNonRoot checks it); Debian's postgresql-common keeps a `postgres` user that exists.
# /etc/pgbouncer belongs to it, so the entrypoint can write the auth file there from the environment; Debian's
# sample config and auth file are removed.
#
# Usage: install-pgbouncer.sh            install (as root)
#        install-pgbouncer.sh --list     print the packages
set -euo pipefail

packages=(pgbouncer ca-certificates)
if [[ "${1:-}" == --list ]]; then printf '%s\n' "${packages[@]}"; exit 0; fi

PGBOUNCER_UID=10002
groupadd --system --gid "$PGBOUNCER_UID" postgres
useradd --system --uid "$PGBOUNCER_UID" --gid "$PGBOUNCER_UID" --home-dir /var/lib/postgresql --no-create-home --shell /usr/sbin/nologin postgres

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
rm -rf /var/lib/apt/lists/*
rm -f /etc/pgbouncer/pgbouncer.ini /etc/pgbouncer/userlist.txt
install -d -o postgres -g postgres -m 0750 /etc/pgbouncer
install -d -o postgres -g postgres -m 0755 /var/run/postgresql
