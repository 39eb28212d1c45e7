#!/usr/bin/env bash
# Builds the test network impairment (NFQUEUE drop/delay) into .cache/netimpair/,
# once per source version. Needs gcc and libnetfilter-queue-dev (setup --test).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.cache/netimpair/netimpair
src=scripts/netimpair/netimpair.c
if [[ ! -x $out || $src -nt $out ]]; then
  mkdir -p "$(dirname "$out")"
  gcc -O2 -Wall -Wextra -o "$out" "$src" $(pkg-config --cflags --libs libnetfilter_queue)
fi
echo "$out"
