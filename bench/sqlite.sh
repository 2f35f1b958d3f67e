#!/usr/bin/env bash
# Signed Tegro.money creates per second with the state in memory and with `--store sqlite`,
# side by side: the same signed requests (HMAC and nonce checked, order stored), 64
# connections, the mock in release mode on core 1 and wrk on core 0 (taskset).
# With SQLite an answer goes out only once the order is written (group commit), so the
# figure is of acknowledged, durable creates. Afterwards the mock is restarted on the
# database and must read back every order it kept (the default caps apply, so past 20,000
# orders the oldest are dropped, written and counted).
# Usage: bench/sqlite.sh [seconds, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=64

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build -q --release --features mock -p tegro-money --bin tegro-money-mock

pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then exec taskset -c "$1" "${@:2}"; else exec "${@:2}"; fi; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

N=$((SECS * 80000))
python3 bench/gen_tegro_requests.py "$N" "$work/tegro.txt"

health() { curl -s "127.0.0.1:$1/__mock/health"; }
field() { python3 -c "import json,sys; h=json.load(sys.stdin); print(h['records']['order']['$1'])"; }

# run NAME PORT [mock flags...]: one wrk run against a fresh mock; prints req/s and p99.
run() {
  local name=$1 port=$2
  shift 2
  (pin 1 target/release/tegro-money-mock --listen "127.0.0.1:$port" "$@" >"$work/$name.log") &
  local pid=$!
  for _ in $(seq 50); do health "$port" >/dev/null 2>&1 && break; sleep 0.1; done
  (pin 0 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s bench/tegro_create_order.lua \
    "http://127.0.0.1:$port" -- "$work/tegro.txt" 1 >"$work/$name.out")
  local rps p99 non2xx created
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$name.out")
  created=$(health "$port" | field created)
  printf '%-8s %10s req/s   p99 %-8s  orders created %-8s non-2xx %s\n' \
    "$name" "$rps" "$p99" "$created" "${non2xx:-0}"
  echo "$rps" >"$work/$name.rps"
  echo "$created" >"$work/$name.created"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "== Tegro.money signed createOrder, $CONNS connections, ${SECS}s each"
run memory 18193
db="$work/tegro.db"
run sqlite 18194 --store "sqlite:$db"

# Read back: a fresh mock on the database keeps what the last one kept.
(pin 1 target/release/tegro-money-mock --listen 127.0.0.1:18195 --store "sqlite:$db" >/dev/null) &
pid=$!
for _ in $(seq 100); do health 18195 >/dev/null 2>&1 && break; sleep 0.1; done
kept=$(health 18195 | field kept)
dropped=$(health 18195 | field dropped)
created=$(cat "$work/sqlite.created")
kill "$pid"; wait "$pid" 2>/dev/null || true
rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM records WHERE resource='order'\").fetchone()[0])" "$db")
echo "after a restart on the database: $kept orders kept + $dropped dropped by the caps = $((kept + dropped)) of $created created"
echo "database: $(du -h "$db" | cut -f1), order rows: $rows"
mem=$(cat "$work/memory.rps"); sql=$(cat "$work/sqlite.rps")
python3 - "$mem" "$sql" <<'EOF'
import sys
mem, sql = float(sys.argv[1]), float(sys.argv[2])
print(f"sqlite / memory: {sql / mem:.2f}")
print(f"target >= 10,000 signed creates/s with sqlite: {'PASS' if sql >= 10000 else 'FAIL'} ({sql:,.0f})")
EOF
[ "$((kept + dropped))" = "$created" ] || { echo "FAIL: orders lost across the restart"; exit 1; }
