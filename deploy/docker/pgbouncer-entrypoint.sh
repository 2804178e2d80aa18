#!/usr/bin/env bash
# Entrypoint of the `pgbouncer` image: writes PgBouncer's auth file from the environment when asked to, then
# execs PgBouncer (it becomes the container's main process and receives its stop signal itself: SIGINT is
# PgBouncer's safe shutdown, which lets running transactions finish).
#
# The auth file is the one the config names (auth_file = ...). With PGBOUNCER_AUTH_USER and
# PGBOUNCER_AUTH_PASSWORD set (compose.yaml), it is written as one "user" "password" line, readable only by
# PgBouncer; without them it must already exist (Kubernetes mounts it from a Secret).
#
# Usage: pgbouncer-entrypoint.sh [CONFIG]   (default /etc/pgbouncer/pgbouncer.ini)
set -euo pipefail

die() { echo "pgbouncer-entrypoint: $*" >&2; exit 1; }
config="${1:-/etc/pgbouncer/pgbouncer.ini}"
[[ -r "$config" ]] || die "cannot read $config"
auth_file="$(sed -n 's/^[[:space:]]*auth_file[[:space:]]*=[[:space:]]*//p' "$config" | tail -n 1)"
[[ -n "$auth_file" ]] || die "$config names no auth_file"

if [[ -n "${PGBOUNCER_AUTH_USER:-}" ]]; then
  [[ -n "${PGBOUNCER_AUTH_PASSWORD:-}" ]] || die "PGBOUNCER_AUTH_USER is set without PGBOUNCER_AUTH_PASSWORD"
  # PgBouncer's auth file quotes with double quotes and escapes one inside a value by doubling it.
  quote() { printf '"%s"' "${1//\"/\"\"}"; }
  (umask 077 && printf '%s %s\n' "$(quote "$PGBOUNCER_AUTH_USER")" "$(quote "$PGBOUNCER_AUTH_PASSWORD")" >"$auth_file")
elif [[ ! -s "$auth_file" ]]; then
  die "$auth_file is missing: mount it, or set PGBOUNCER_AUTH_USER and PGBOUNCER_AUTH_PASSWORD"
fi

pgbouncer="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
exec "$pgbouncer" "$config"
