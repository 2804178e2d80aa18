#!/usr/bin/env bash
# Dockerfile, runtime stage: the unprivileged user the node runs as (uid/gid 10001, numeric so Kubernetes'
# runAsNonRoot can verify it) and DATA_DIR (/data), the only directory it writes: the embedded database,
# generated keys and uploads when no shared store is configured. The application in /app stays root-owned and
# read-only to it.
#
# Usage: create-user.sh [--dry-run]   (--dry-run prints the commands instead of running them)
set -euo pipefail

XCORD_UID=10001
DATA_DIR=/data
run() { if [[ "${DRY_RUN:-0}" == 1 ]]; then echo "$*"; else "$@"; fi; }
[[ "${1:-}" == --dry-run ]] && DRY_RUN=1

run groupadd --system --gid "$XCORD_UID" xcord
run useradd --system --uid "$XCORD_UID" --gid "$XCORD_UID" --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin xcord
run install -d -o "$XCORD_UID" -g "$XCORD_UID" -m 0750 "$DATA_DIR"
