#!/usr/bin/env bash
# Build mediasoup's C++ worker (mediasoup-worker) from Debian packages only
# (no network besides apt): GitHub issue 7.
#
# Usage: scripts/mediasoup/build-worker.sh [MEDIASOUP_PKG_DIR]
#   MEDIASOUP_PKG_DIR defaults to <repo>/node_modules/mediasoup
#
# Env:
#   XCORD_MEDIASOUP_CACHE   cache dir (default: ${XDG_CACHE_HOME:-~/.cache}/xcord)
#   XCORD_MEDIASOUP_BUILDDIR  scratch dir (default: /tmp/xcord-mediasoup-worker-<version>)
#   XCORD_MEDIASOUP_FORCE=1 ignore the cache and rebuild
#   XCORD_MEDIASOUP_JOBS    ninja -j value (default: nproc)
#
# Exit codes: 0 ok (binary installed + smoke check passed), 1 build/patch/smoke
# failure, 2 missing apt packages and not root.
#
# What it does (see scripts/mediasoup/README.md):
#   * copies <pkg>/worker to a scratch dir (node_modules is only touched to
#     place the final binary at <pkg>/worker/out/Release/mediasoup-worker);
#   * replaces the download-only wraps (libuv, openssl, flatbuffers, libsrtp3,
#     abseil-cpp, unordered-dense) with local subprojects from
#     scripts/mediasoup/subprojects/ built on Debian's -dev packages;
#   * relaxes meson_version to Debian bookworm's meson 1.0.x;
#   * fixes DtlsTransport's BIO callback (kTLS SIGSEGV with Debian's OpenSSL);
#   * meson setup --wrap-mode=nodownload + ninja mediasoup-worker;
#   * caches the binary keyed by mediasoup version.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PKG_DIR="${1:-$REPO_ROOT/node_modules/mediasoup}"

log() { printf '[build-worker] %s\n' "$*" >&2; }
die() { printf '[build-worker] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -f "$PKG_DIR/package.json" && -f "$PKG_DIR/worker/meson.build" ]] ||
  die "not a mediasoup package dir (no package.json / worker/meson.build): $PKG_DIR"
PKG_DIR="$(cd "$PKG_DIR" && pwd)"

MS_VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG_DIR/package.json" | head -n1)"
[[ -n "$MS_VERSION" ]] || die "cannot read version from $PKG_DIR/package.json"

CACHE_DIR="${XCORD_MEDIASOUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xcord}"
CACHE_BIN="$CACHE_DIR/mediasoup-worker-$MS_VERSION"
DEST_BIN="$PKG_DIR/worker/out/Release/mediasoup-worker"
BUILD_ROOT="${XCORD_MEDIASOUP_BUILDDIR:-/tmp/xcord-mediasoup-worker-$MS_VERSION}"
JOBS="${XCORD_MEDIASOUP_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# The list lives in apt-packages.txt so postinstall, the test harness and CI install the same packages.
mapfile -t APT_BUILD_PKGS < <(grep -v -e '^#' -e '^[[:space:]]*$' "$SCRIPT_DIR/apt-packages.txt")
# Runtime libraries (pulled in by the -dev packages above): libuv1 libssl3 libnss3
# libabsl20220623 libflatbuffers2.

# ---------------------------------------------------------------- smoke check
# mediasoup spawns the worker with fd 3 (requests in) and fd 4 (responses out)
# as pipes. Give it an already-closed pipe on fd 3: a healthy worker boots
# (OpenSSL, libsrtp, libuv, channel), writes its "running" notification to
# fd 4, sees EOF, logs "channel remotely closed, closing myself" and exits 0
# within milliseconds. (/dev/null can't be used: libuv can't epoll it.)
smoke_check() {
  local bin="$1" out rc
  [[ -x "$bin" ]] || { log "smoke: $bin not executable"; return 1; }
  if ldd "$bin" | grep -q 'not found'; then
    log "smoke: missing shared libraries:"; ldd "$bin" | grep 'not found' >&2; return 1
  fi
  set +e
  out="$(MEDIASOUP_VERSION="$MS_VERSION" timeout 10 "$bin" 3< <(true) 4> >(cat >/dev/null) 2>&1 </dev/null)"
  rc=$?
  set -e
  if (( rc != 0 )) || [[ "$out" != *"channel remotely closed"* ]]; then
    log "smoke: worker misbehaved (rc=$rc): ${out:0:400}"
    return 1
  fi
  log "smoke: worker booted and exited cleanly on channel EOF (rc=0)"
  return 0
}

install_bin() {
  local src="$1"
  mkdir -p "$(dirname "$DEST_BIN")"
  cp -f "$src" "$DEST_BIN.tmp.$$"
  chmod 755 "$DEST_BIN.tmp.$$"
  mv -f "$DEST_BIN.tmp.$$" "$DEST_BIN"
  log "installed $DEST_BIN"
}

# ------------------------------------------------------------------ fast path
if [[ "${XCORD_MEDIASOUP_FORCE:-0}" != 1 ]]; then
  if [[ -x "$DEST_BIN" ]] && cmp -s "$DEST_BIN" "$CACHE_BIN" 2>/dev/null && smoke_check "$DEST_BIN"; then
    log "mediasoup-worker $MS_VERSION already installed (matches cache): $DEST_BIN"
    exit 0
  fi
  if [[ -x "$CACHE_BIN" ]] && smoke_check "$CACHE_BIN"; then
    install_bin "$CACHE_BIN"
    log "used cached worker $CACHE_BIN"
    exit 0
  fi
fi

# --------------------------------------------------------------- apt packages
missing=()
for p in "${APT_BUILD_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} )); then
  if [[ "$(id -u)" == 0 ]]; then
    log "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    log "missing Debian packages; run as root:"
    log "  apt-get update && apt-get install -y ${missing[*]}"
    exit 2
  fi
fi
for t in meson ninja flatc pkg-config g++; do
  command -v "$t" >/dev/null || die "$t not found on PATH after package install"
done

# -------------------------------------------------------- prepare source copy
START=$(date +%s)
SRC="$BUILD_ROOT/worker"
BLD="$BUILD_ROOT/build"
log "mediasoup $MS_VERSION from $PKG_DIR; scratch dir $BUILD_ROOT"
rm -rf "$SRC"
mkdir -p "$BUILD_ROOT"
# Copy the worker source without any previous build output.
mkdir -p "$SRC"
(cd "$PKG_DIR/worker" && tar --exclude=./out --exclude=./prebuild -cf - .) | (cd "$SRC" && tar -xf -)

# Replace the download-only wraps with local Debian-backed subprojects.
SUB="$SRC/subprojects"
for w in libuv openssl flatbuffers libsrtp3 abseil-cpp unordered-dense; do
  [[ -f "$SUB/$w.wrap" ]] || die "expected wrap $SUB/$w.wrap not found (mediasoup layout changed?)"
  rm -f "$SUB/$w.wrap"
  rm -rf "${SUB:?}/$w"
  cp -a "$SCRIPT_DIR/subprojects/$w" "$SUB/$w"
done
cp -f "$SCRIPT_DIR/subprojects/unordered-dense.wrap" "$SUB/unordered-dense.wrap"

# replace_exact FILE OLD NEW: replace exactly one occurrence or fail loudly.
replace_exact() {
  local file="$1" old="$2" new="$3"
  python3 - "$file" "$old" "$new" <<'PY'
import sys
path, old, new = sys.argv[1:4]
s = open(path, encoding="utf-8").read()
n = s.count(old)
if n != 1:
    sys.stderr.write(f"[build-worker] PATCH FAILED: expected exactly 1 occurrence in {path}, found {n}:\n  {old}\n")
    sys.exit(1)
open(path, "w", encoding="utf-8").write(s.replace(old, new))
PY
}

command -v python3 >/dev/null || die "python3 is required (meson depends on it)"

# 1. Debian bookworm ships meson 1.0.1; the worker builds fine with it.
MESON_VER="$(meson --version)"
replace_exact "$SRC/meson.build" "meson_version: '>= 1.1.0'," "meson_version: '>= 1.0.0',"
log "patched meson_version requirement (system meson $MESON_VER)"

# 2. kTLS fix: for BIO_CB_CTRL|BIO_CB_RETURN the callback returned 1, so
#    BIO_get_ktls_send() looked true, OpenSSL skipped allocating its write
#    buffer and the worker SIGSEGVed on the first DTLS flight.
replace_exact "$SRC/src/RTC/DtlsTransport.cpp" \
  "const long resultOfcallback = (operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;" \
  "const long resultOfcallback = (operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;"
log "patched DtlsTransport BIO callback (BIO_CB_RETURN bit test)"

# ----------------------------------------------------------------- configure
rm -rf "$BLD"
log "meson setup ..."
meson setup "$BLD" "$SRC" \
  --wrap-mode=nodownload \
  --buildtype=release \
  -Db_ndebug=true \
  -Db_pie=true \
  >"$BUILD_ROOT/meson-setup.log" 2>&1 ||
  { tail -n 60 "$BUILD_ROOT/meson-setup.log" >&2; die "meson setup failed (full log: $BUILD_ROOT/meson-setup.log)"; }

# --------------------------------------------------------------------- build
log "ninja -j$JOBS mediasoup-worker ... (log: $BUILD_ROOT/ninja.log)"
ninja -C "$BLD" -j "$JOBS" mediasoup-worker >"$BUILD_ROOT/ninja.log" 2>&1 ||
  { grep -n -B2 -A20 'error' "$BUILD_ROOT/ninja.log" | head -n 120 >&2 || tail -n 80 "$BUILD_ROOT/ninja.log" >&2
    die "ninja build failed (full log: $BUILD_ROOT/ninja.log)"; }

BUILT="$BLD/mediasoup-worker"
[[ -x "$BUILT" ]] || die "build finished but $BUILT is missing"
strip "$BUILT" 2>/dev/null || true
ELAPSED=$(( $(date +%s) - START ))
log "build finished in ${ELAPSED}s ($(du -h "$BUILT" | cut -f1))"

# libsrtp3 shim round-trip test (all SRTP profiles mediasoup negotiates).
SHIM="$SCRIPT_DIR/subprojects/libsrtp3"
# shellcheck disable=SC2046
cc -O1 -I"$SHIM/include" "$SCRIPT_DIR/test/srtp3-shim-test.c" "$SHIM/src/srtp3_shim.c" \
  "$(pkg-config --variable=libdir libsrtp2)/libsrtp2.a" $(pkg-config --libs nss) \
  -o "$BUILD_ROOT/srtp3-shim-test" >&2 || die "could not compile the libsrtp3 shim test"
"$BUILD_ROOT/srtp3-shim-test" >&2 || die "libsrtp3 shim round-trip test failed"

smoke_check "$BUILT" || die "smoke check failed for $BUILT"

mkdir -p "$CACHE_DIR"
cp -f "$BUILT" "$CACHE_BIN.tmp.$$" && mv -f "$CACHE_BIN.tmp.$$" "$CACHE_BIN"
log "cached $CACHE_BIN"
install_bin "$BUILT"
smoke_check "$DEST_BIN" || die "smoke check failed for installed $DEST_BIN"
echo "$DEST_BIN"
