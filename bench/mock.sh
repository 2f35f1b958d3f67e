#!/usr/bin/env bash
# Benchmarks the generated mock servers with wrk on loopback:
#   1. Tegro.money signed createOrder (HMAC checked, nonce checked, order stored), 64 connections;
#   2. beGateway GET /products/{id} (Basic auth), 64 connections, 60 s, peak memory sampled.
# The mock runs on core 1, wrk on core 0 (taskset), in release mode.
# Usage: bench/mock.sh [seconds for createOrder, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=64

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build -q --release --features mock -p tegro-money --bin tegro-money-mock
cargo build -q --release --features mock -p begateway --bin begateway-mock

pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then exec taskset -c "$1" "${@:2}"; else exec "${@:2}"; fi; }
peak_rss() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Enough unique (nonce, order id) pairs for the run at up to ~80k requests/s.
N=$((SECS * 80000))
python3 bench/gen_tegro_requests.py "$N" "$work/tegro.txt"

echo "== Tegro.money mock: signed createOrder, $CONNS connections, ${SECS}s"
(pin 1 target/release/tegro-money-mock --listen 127.0.0.1:18091 >/dev/null) &
tegro=$!
sleep 0.5
(for i in $(seq 2 2 "$SECS"); do sleep 2; echo "  t=${i}s rss=$(awk '/VmRSS/ {print $2}' /proc/$tegro/status) kB"; done) &
(pin 0 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s bench/tegro_create_order.lua http://127.0.0.1:18091 -- "$work/tegro.txt" 1) | tee "$work/tegro.out"
sleep 0.5
echo "peak memory (VmHWM): $(peak_rss $tegro) kB"
# Every answered request must have created an order (in-flight ones at the end may add a few).
n=$(grep -o '^ *[0-9]* requests in' "$work/tegro.out" | grep -o '[0-9]*' | head -1)
created=$(curl -s 127.0.0.1:18091/__mock/health | grep -o '"order":{"kept":[0-9]*,"created":[0-9]*' | grep -o '[0-9]*$')
echo "requests answered: $n, orders created: $created"
kill $tegro

[ -n "${ONLY_TEGRO:-}" ] && exit 0
echo
echo "== beGateway mock: GET /products/{id}, $CONNS connections, 60s"
(pin 1 target/release/begateway-mock --listen 127.0.0.1:18092 >/dev/null) &
bg=$!
sleep 0.5
auth=$(printf '1:begateway-demo-secret-key' | base64)
(pin 0 wrk -t1 -c"$CONNS" -d60s --latency -H "Authorization: Basic $auth" \
  http://127.0.0.1:18092/products/prd_ed27b047d3ccd1a6) &
wrkpid=$!
for i in $(seq 1 12); do sleep 5; echo "  t=$((i * 5))s rss=$(awk '/VmRSS/ {print $2}' /proc/$bg/status) kB"; done
wait $wrkpid
echo "peak memory (VmHWM): $(peak_rss $bg) kB"
kill $bg
