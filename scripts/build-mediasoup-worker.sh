#!/usr/bin/env bash
# Build the mediasoup-worker binary from node_modules/mediasoup/worker against
# Debian bookworm system libraries, with NO downloads, and cache it at
#   ${YUNTING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/yunting}/mediasoup-worker/<mediasoup version>/mediasoup-worker
# (outside the checkout, so every clone on the machine shares one build; the server looks there too)
# (project-relative). Prints the binary path as the last stdout line; all build
# output goes to stderr. Idempotent: a cached binary is reused immediately.
#
# Why: the mediasoup npm postinstall downloads a prebuilt worker or fetches its
# meson wraps (openssl, libuv, libsrtp2, usrsctp, abseil, nlohmann_json, catch2)
# from the internet, which is not possible here. mediasoup 3.12.16's pinned deps
# match what Debian bookworm ships (OpenSSL 3.0, libuv 1.44.2, libsrtp 2.5.0,
# abseil 20220623, nlohmann-json 3.x, usrsctp 0.9.5), so each wrapped subproject
# is replaced by a stand-in from scripts/mediasoup-subprojects/<wrap name>/ that
# exposes the same meson variables backed by dependency()/pkg-config. Those are
# copied into subprojects/<wrap "directory">, which meson then uses instead of
# downloading (--wrap-mode=nodownload).
# Debian's meson is 1.0.1 while mediasoup asks for >= 1.1.0 (it uses nothing
# newer), so we build from a COPY of the worker sources with that requirement
# relaxed; node_modules is never modified.
#
# Needs (apt): meson ninja-build pkg-config g++ libssl-dev libuv1-dev
#              libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev
# Env: JOBS (default: nproc), MEDIASOUP_WORKER_KEEP_BUILD=1 keeps the build dir.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"

MS_DIR="$ROOT/node_modules/mediasoup"
STANDINS="$SCRIPT_DIR/mediasoup-subprojects"
[ -f "$MS_DIR/package.json" ] || { echo "error: $MS_DIR not found (run npm install first)" >&2; exit 1; }

MS_VERSION="$(node -p "require(process.argv[1]).version" "$MS_DIR/package.json")"
CACHE_ROOT="${YUNTING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/yunting}/mediasoup-worker"
OUT_DIR="$CACHE_ROOT/$MS_VERSION"
BIN="$OUT_DIR/mediasoup-worker"

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

for tool in meson ninja pkg-config c++ cc; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' not found (apt-get install meson ninja-build pkg-config g++)" >&2; exit 1; }
done

mkdir -p "$CACHE_ROOT"
# Serialize concurrent builds; re-check the cache once we hold the lock.
exec 9>"$CACHE_ROOT/.lock"
flock 9
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

WORK="$CACHE_ROOT/build-src"
SRC="$WORK/worker"
BUILD="$WORK/build"
rm -rf "$WORK"
mkdir -p "$WORK"

echo ">> mediasoup $MS_VERSION: copying worker sources to $SRC" >&2
cp -a "$MS_DIR/worker" "$SRC"
rm -rf "$SRC/out" "$SRC/subprojects/packagecache"

# Relax the meson_version requirement in the copy (Debian bookworm has 1.0.1).
sed -i -E "s/meson_version[[:space:]]*:[[:space:]]*'[^']*'/meson_version: '>= 1.0.0'/" "$SRC/meson.build"

# Install stand-ins: subprojects/<name>.wrap -> subprojects/<its directory>/.
for wrap in "$SRC"/subprojects/*.wrap; do
  name="$(basename "$wrap" .wrap)"
  if [ "$name" = wingetopt ]; then continue; fi # Windows-only
  if [ ! -d "$STANDINS/$name" ]; then
    echo "error: no stand-in for wrap '$name' in $STANDINS (new mediasoup dependency?)" >&2
    exit 1
  fi
  dir="$(sed -nE 's/^[[:space:]]*directory[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$/\1/p' "$wrap" | head -n1)"
  [ -n "$dir" ] || dir="$name"
  rm -rf "$SRC/subprojects/$dir"
  cp -a "$STANDINS/$name" "$SRC/subprojects/$dir"
done

echo ">> meson setup" >&2
meson setup "$BUILD" "$SRC" \
  --buildtype=release \
  --wrap-mode=nodownload \
  -Db_ndebug=true \
  -Db_pie=true \
  -Db_staticpic=true >&2

echo ">> building mediasoup-worker (this takes a few minutes)" >&2
start=$SECONDS
ninja -C "$BUILD" -j "${JOBS:-$(nproc)}" mediasoup-worker >&2
echo ">> build finished in $((SECONDS - start))s" >&2

if ldd "$BUILD/mediasoup-worker" | grep -q 'not found'; then
  ldd "$BUILD/mediasoup-worker" >&2
  echo "error: built worker has unresolved shared libraries" >&2
  exit 1
fi

mkdir -p "$OUT_DIR"
cp "$BUILD/mediasoup-worker" "$BIN.tmp.$$"
strip "$BIN.tmp.$$" 2>/dev/null || true
chmod 755 "$BIN.tmp.$$"
mv -f "$BIN.tmp.$$" "$BIN"

if [ "${MEDIASOUP_WORKER_KEEP_BUILD:-0}" != 1 ]; then
  rm -rf "$WORK"
fi

echo "$BIN"
