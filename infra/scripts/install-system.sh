#!/usr/bin/env bash
# Installs the Debian packages Ablak needs: the mediasoup worker's build tools and libraries,
# and the real services the tests drive (redis-server, coturn, chromium). Idempotent: a second run
# with everything present only checks and returns.
set -euo pipefail

BUILD_PKGS="ninja-build pkg-config g++ patch libuv1-dev libssl-dev libsrtp2-dev libflatbuffers-dev flatbuffers-compiler libabsl-dev"
# What a prebuilt mediasoup worker links at run time (ldd of the binary, by package): enough on a machine
# that only runs a worker built elsewhere (MEDIASOUP_WORKER_BIN), without the -dev packages above.
WORKER_RUN_PKGS="libuv1 libssl3 libsrtp2-1 libabsl20220623 libnss3 libnspr4 libstdc++6 libgcc-s1"
# openssl makes the TLS tests' certificates; systemd brings systemd-analyze, which verifies the deploy units.
RUN_PKGS="$WORKER_RUN_PKGS redis-server coturn postgresql-15 chromium fonts-dejavu-core iproute2 openssl systemd"

missing=()
for p in $BUILD_PKGS $RUN_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_meson=1
if command -v meson >/dev/null 2>&1; then
  # mediasoup 3.27 needs meson >= 1.1; bookworm ships 1.0.1, bookworm-backports 1.7.
  v=$(meson --version)
  [ "$(printf '%s\n1.1.0\n' "$v" | sort -V | head -1)" = "1.1.0" ] && need_meson=0
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_meson -eq 0 ]; then
  echo "[install-system] all Debian packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

if [ $need_meson -eq 1 ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
$SUDO apt-get update -qq
[ $need_meson -eq 1 ] && $SUDO apt-get install -y -qq -t bookworm-backports meson >/dev/null
[ ${#missing[@]} -gt 0 ] && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the services it installs; the harness starts its own copies on free ports instead.
for svc in redis-server coturn postgresql; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
done
echo "[install-system] installed: ${missing[*]} $( [ $need_meson -eq 1 ] && echo meson)"
