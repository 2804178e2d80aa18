#!/usr/bin/env bash
# Dockerfile, build stage: lays out the runnable application in OUT from the sources in SRC.
#
#   1. copies what a node needs at run time: package.json, bun.lock, bunfig.toml, tsconfig.json, src/, drizzle/
#      (migrations), docs/ (served under /swagger/docs), scripts/migrate.ts (`bun run migrate`), the embedded
#      database's template script, scripts/mediasoup/ (the worker build) and deploy/docker/ (the healthcheck);
#   2. `bun install --frozen-lockfile --production` in OUT: exactly the locked versions, no dev dependencies; its
#      postinstall builds mediasoup's worker with scripts/mediasoup/build-worker.sh (the same script as everywhere
#      else; instant when the worker of this mediasoup version is cached in XCORD_MEDIASOUP_CACHE) and makes the
#      embedded database's migrated template;
#   3. runs build-worker.sh once more, which fails the build if the worker is missing or does not boot
#      (postinstall only warns: a laptop without compilers still installs);
#   4. writes OUT/.runtime-packages: the Debian packages that provide the worker's shared libraries (ldd, then
#      dpkg-query -S), which install-runtime-deps.sh installs in the runtime stage, so the slim image carries
#      those libraries and no compiler.
#
# Usage: build.sh SRC OUT    (OUT must not exist or be empty)
set -euo pipefail

die() { echo "build: $*" >&2; exit 1; }
[[ $# -eq 2 ]] || die "usage: build.sh SRC OUT"
SRC="$(cd "$1" && pwd)"
OUT="$2"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
[[ -z "$(ls -A "$OUT")" ]] || die "$OUT is not empty"
[[ -f "$SRC/package.json" && -f "$SRC/bun.lock" ]] || die "$SRC has no package.json and bun.lock"

RUNTIME_PATHS=(package.json bun.lock patches bunfig.toml tsconfig.json src drizzle docs
  scripts/migrate.ts scripts/prepare-embedded-db.ts scripts/mediasoup deploy/docker)
for path in "${RUNTIME_PATHS[@]}"; do
  [[ -e "$SRC/$path" ]] || die "$SRC/$path is missing"
done
(cd "$SRC" && tar --exclude='*/node_modules' -cf - "${RUNTIME_PATHS[@]}") | (cd "$OUT" && tar -xf -)
echo "build: copied ${#RUNTIME_PATHS[@]} paths into $OUT" >&2

cd "$OUT"
bun install --frozen-lockfile --production
bash scripts/mediasoup/build-worker.sh "$OUT/node_modules/mediasoup" >/dev/null

WORKER="$OUT/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
[[ -x "$WORKER" ]] || die "mediasoup worker missing after the build: $WORKER"
# Every shared library the worker loads, as the Debian package that ships it (paths resolved through symlinks:
# dpkg knows /lib/x86_64-linux-gnu/... under the name the package installed).
ldd "$WORKER" | awk '/=> \// { print $3 }' | while read -r lib; do
  dpkg-query -S "$lib" 2>/dev/null || dpkg-query -S "$(readlink -f "$lib")" 2>/dev/null ||
    dpkg-query -S "${lib/#\/lib\//\/usr\/lib\/}" 2>/dev/null || { echo "build: no Debian package owns $lib" >&2; exit 1; }
done | cut -d: -f1 | sort -u >"$OUT/.runtime-packages"
[[ -s "$OUT/.runtime-packages" ]] || die "could not list the worker's runtime packages"
echo "build: runtime packages: $(tr '\n' ' ' <"$OUT/.runtime-packages")" >&2
