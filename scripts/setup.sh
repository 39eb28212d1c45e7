#!/usr/bin/env bash
# Idempotent machine setup for Yunting, offline except for apt and npm:
#   - Debian packages that are missing (build tools and libraries for the
#     mediasoup worker, ffmpeg, CJK fonts; with --test also Chromium),
#   - the mediasoup worker, built from the npm tarball (cached per version),
#   - with --test, the weak-network impairment (scripts/netimpair/, NFQUEUE),
#   - a self-signed development certificate (phones need HTTPS for the camera),
#   - the client bundle.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(meson ninja-build pkg-config g++ libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev
  nlohmann-json3-dev ffmpeg fonts-noto-cjk poppler-utils openssl)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium iproute2 util-linux gcc libnetfilter-queue-dev iptables)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

worker_bin=$(bash scripts/build-mediasoup-worker.sh | tail -n 1)
echo "setup: mediasoup worker at $worker_bin"
if [[ "${1:-}" == "--test" ]]; then
  echo "setup: network impairment at $(bash scripts/netimpair/build.sh)"
fi

data_dir=${DATA_DIR:-data}
if [[ ! -f "$data_dir/tls/cert.pem" ]]; then
  mkdir -p "$data_dir/tls"
  lan_ip=$(hostname -I 2>/dev/null | awk '{print $1}')
  san="DNS:localhost,IP:127.0.0.1${lan_ip:+,IP:$lan_ip}"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=Yunting development" -addext "subjectAltName=$san" \
    -keyout "$data_dir/tls/key.pem" -out "$data_dir/tls/cert.pem" 2>/dev/null
  chmod 600 "$data_dir/tls/key.pem"
  echo "setup: self-signed development certificate for $san in $data_dir/tls"
fi

node scripts/build-client.mjs
echo "setup: done"
