#!/usr/bin/env bash
# Builds mediasoup's C++ worker offline from Debian packages and caches it outside the checkout.
#
# mediasoup's own postinstall downloads a prebuilt worker from GitHub, or pip-installs meson and
# downloads its subprojects; none of that is reachable here. Instead:
#   - pnpm applies patches/mediasoup@<version>.patch (libsrtp2 API, KTLS-safe DTLS BIO, no wraps);
#   - sfu/worker/* holds meson subprojects that wrap Debian's system libraries;
#   - the worker is compiled once per (mediasoup version, patch, shims, BWE choice) and kept in
#     ${XDG_CACHE_HOME:-~/.cache}/ablak/mediasoup-worker/<key>/, so a fresh clone only copies it.
# The binary is installed where mediasoup's Node layer looks by default
# (node_modules/mediasoup/worker/out/Release/mediasoup-worker). MEDIASOUP_WORKER_BIN, if set to an
# existing file, is used as is and nothing is built. `--print-key` prints the cache key and exits.
set -euo pipefail

SFU_DIR=$(cd "$(dirname "$0")/.." && pwd)
ROOT_DIR=$(cd "$SFU_DIR/.." && pwd)
BWE=${ABLAK_WORKER_BWE:-libwebrtc} # libwebrtc (mediasoup's default) | builtin

if [ -n "${MEDIASOUP_WORKER_BIN:-}" ] && [ -x "${MEDIASOUP_WORKER_BIN}" ]; then
  echo "[worker] using MEDIASOUP_WORKER_BIN=${MEDIASOUP_WORKER_BIN}"
  exit 0
fi

MS_DIR=$(cd "$SFU_DIR/node_modules/mediasoup" && pwd -P)
MS_VERSION=$(node -p "require('$MS_DIR/package.json').version")
PATCH_FILE="$ROOT_DIR/patches/mediasoup@$MS_VERSION.patch"
[ -f "$PATCH_FILE" ] || { echo "[worker] no patch for mediasoup $MS_VERSION at $PATCH_FILE" >&2; exit 1; }
grep -q "libsrtp2" "$MS_DIR/worker/include/RTC/SrtpSession.hpp" || {
  echo "[worker] $MS_DIR is not patched: run pnpm install (patchedDependencies)" >&2; exit 1; }

# Every input of the binary is in the key: mediasoup's version and the patch, the meson shims, this
# script, the Debian release, the compiler and meson, and the exact versions of the Debian libraries
# it compiles and links against (an apt upgrade of libssl-dev or libsrtp2-dev rebuilds it).
BUILD_LIBS="libuv1-dev libssl-dev libsrtp2-dev libflatbuffers-dev flatbuffers-compiler libabsl-dev"
KEY=$( {
  echo "mediasoup=$MS_VERSION bwe=$BWE arch=$(uname -m)"
  sha256sum "$PATCH_FILE" | cut -d' ' -f1
  (cd "$SFU_DIR/worker" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  sha256sum "$SFU_DIR/scripts/build-worker.sh" | cut -d' ' -f1
  cat /etc/debian_version 2>/dev/null || true
  (. /etc/os-release 2>/dev/null && echo "$ID $VERSION_ID") || true
  g++ --version 2>/dev/null | head -1 || true
  meson --version 2>/dev/null || true
  # shellcheck disable=SC2086
  dpkg-query -W -f='${Package} ${Version}\n' $BUILD_LIBS 2>/dev/null || true
} | sha256sum | cut -c1-16)
CACHE_ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/ablak/mediasoup-worker
CACHE_DIR=$CACHE_ROOT/$MS_VERSION-$KEY
CACHED_BIN=$CACHE_DIR/mediasoup-worker
TARGET=$MS_DIR/worker/out/Release/mediasoup-worker
if [ "${1:-}" = "--print-key" ]; then
  echo "$MS_VERSION-$KEY"
  exit 0
fi

install_bin() {
  mkdir -p "$(dirname "$TARGET")"
  if ! cmp -s "$CACHED_BIN" "$TARGET" 2>/dev/null; then
    cp "$CACHED_BIN" "$TARGET.tmp" && mv -f "$TARGET.tmp" "$TARGET"
  fi
  echo "[worker] $TARGET (cache key $MS_VERSION-$KEY)"
}

if [ -x "$CACHED_BIN" ]; then
  install_bin
  exit 0
fi

for tool in meson ninja flatc pkg-config g++; do
  command -v "$tool" >/dev/null || { echo "[worker] $tool missing: run infra/scripts/install-system.sh" >&2; exit 1; }
done

echo "[worker] building mediasoup-worker $MS_VERSION ($BWE BWE); this takes about 6 minutes on 2 cores"
started=$(date +%s)
mkdir -p "$CACHE_ROOT"
WORK=$(mktemp -d "$CACHE_ROOT/.build-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$MS_DIR/worker/." "$WORK/worker"
chmod -R u+w "$WORK/worker"
rm -rf "$WORK/worker/out"
cp -r "$SFU_DIR/worker/." "$WORK/worker/subprojects/"

BUILTIN=false
[ "$BWE" = builtin ] && BUILTIN=true
cd "$WORK/worker"
meson setup --prefix "$WORK/install" --bindir "" --libdir "" --buildtype release \
  -Db_ndebug=true --wrap-mode=nodownload -Dms_use_builtin_bwe=$BUILTIN build >"$WORK/setup.log" 2>&1 \
  || { cat "$WORK/setup.log" >&2; exit 1; }
# ninja's own [n/N] counter, one line per tenth of the way (the full log stays in compile.log).
progress() {
  local line shown=0 step
  while IFS= read -r line; do
    if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
      step=$(( BASH_REMATCH[1] * 10 / BASH_REMATCH[2] ))
      if [ "$step" -gt "$shown" ]; then
        shown=$step
        echo "[worker] ${BASH_REMATCH[0]} $((step * 10))% after $(( $(date +%s) - started ))s"
      fi
    fi
  done
}
set +e
meson compile -C build -j "$(nproc)" mediasoup-worker 2>&1 | tee "$WORK/compile.log" | progress
compiled=${PIPESTATUS[0]}
set -e
[ "$compiled" -eq 0 ] || { tail -60 "$WORK/compile.log" >&2; exit 1; }

mkdir -p "$CACHE_DIR"
cp build/mediasoup-worker "$CACHE_DIR/mediasoup-worker.tmp"
strip "$CACHE_DIR/mediasoup-worker.tmp" 2>/dev/null || true
mv -f "$CACHE_DIR/mediasoup-worker.tmp" "$CACHED_BIN"
echo "[worker] built in $(( $(date +%s) - started ))s"
install_bin
