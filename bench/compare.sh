#!/usr/bin/env bash
# Side by side, in one run: the Tegro.money mock, Prism and a bare axum handler, all answering
# the same stream of signed createOrder requests (POST /api/createOrder/).
#
#   mock   target/release/tegro-money-mock: checks the HMAC and the nonce, validates, stores
#          the order (past 20,000 orders it also drops the oldest), journals, answers.
#   prism  @stoplight/prism-cli 5.14.2 serving bench/prism/create_order.openapi.yaml: checks the
#          request against the schema and that Authorization is there, answers the docs' example.
#   axum   target/release/bare_axum (bench/src/bin/bare_axum.rs): reads the body, answers a
#          fixed body as long as the mock's; the same axum, tokio and runtime choice as the mock.
#
# Every server runs on core 1 (taskset), wrk (one thread) on core 0, at 1 and at 64
# connections for the same time, a fresh server per measurement after a 1 s warm-up. The
# requests come from bench/gen_tegro_requests.py (each with its own nonce and order id, so the
# mock accepts every one) through bench/tegro_create_order.lua. A run fails when a server
# answers anything but 2xx, a socket error happens, or the mock created fewer orders than it
# answered. Rounds alternate the servers so that noise from the rest of the machine hits all
# three alike; the table gives each measurement, then the median per server, the ratios and the
# targets (mock vs Prism at 64 connections >= 10x, mock vs bare axum >= 60 %, mock p99 at 64
# connections < 2 ms). Exit status: 0 targets met, 1 a target missed, 2 a run went wrong.
# Columns: srv/wrk cpu, the share of one core each used; srv/wrk wait, the share of the run
# each spent runnable but waiting for its core (another process on it): a measurement with a
# wait of more than a few percent was disturbed by the rest of the machine.
#
# Usage: bench/compare.sh [SECONDS per measurement, default 10] [ROUNDS, default 1]
# Environment: SERVERS (default "mock axum prism"), CONNS (default "1 64"), WARMUP (seconds,
# default 1), MAX_RATE (requests/s the generated stream must last for, default 150000),
# NO_BUILD=1 (use the binaries as built), PORT_BASE (default 18291; the servers listen on it and
# the next two ports, which must be free).
# Needs: cargo, python3, npm (Prism is installed under target/prism), wrk (installed with
# apt-get when missing), taskset, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${1:-10}
ROUNDS=${2:-1}
SERVERS=${SERVERS:-mock axum prism}
CONNS=${CONNS:-1 64}
WARMUP=${WARMUP:-1}
MAX_RATE=${MAX_RATE:-150000}
PRISM_VERSION=5.14.2
# Ports of their own (bench/mock.sh uses 18091-18092): PORT_BASE, +1, +2.
PORT_BASE=${PORT_BASE:-18291}
PORT_MOCK=$PORT_BASE PORT_PRISM=$((PORT_BASE + 1)) PORT_AXUM=$((PORT_BASE + 2))

if [ "$(nproc)" -lt 2 ]; then
  echo "compare.sh: needs 2 cores (server on core 1, wrk on core 0)" >&2
  exit 2
fi
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${NO_BUILD:-}" ]; then
  cargo build -q --release --features mock -p tegro-money --bin tegro-money-mock
  cargo build -q --release -p payspec-bench --bin bare_axum
fi
PRISM=target/prism/node_modules/.bin/prism
if [[ " $SERVERS " == *" prism "* ]] &&
  ! { [ -x "$PRISM" ] && [ "$("$PRISM" --version 2>/dev/null)" = "$PRISM_VERSION" ]; }; then
  npm install --silent --no-audit --no-fund --prefix target/prism "@stoplight/prism-cli@$PRISM_VERSION" >/dev/null
fi

# From here on this script and what it starts share wrk's core, so its own helpers (sampling
# /proc, the report) never take the server's core; the servers are pinned to core 1 below.
taskset -p -c 0 $$ >/dev/null

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
wrk_pid=""
trap '[ -z "$wrk_pid" ] || kill "$wrk_pid" 2>/dev/null; stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The request streams, kept between runs: the measured one must last SECS at MAX_RATE (a
# repeated nonce would be refused), the warm-up one has lower nonces and other order ids.
streams=target/bench-compare
mkdir -p "$streams"
N=$((SECS * MAX_RATE))
NW=$((WARMUP * MAX_RATE))
REQS=$streams/tegro-$N.txt
WARM=$streams/tegro-warm-$NW.txt
stream() { # file count [nonce base, order prefix]
  [ -s "$1" ] || { python3 bench/gen_tegro_requests.py "$2" "$1.part" "${@:3}" && mv "$1.part" "$1"; }
}
stream "$REQS" "$N"
stream "$WARM" "$NW" 1600000000000 warm-

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then return 1; fi
    sleep 0.05
  done
  return 1
}

cpu_ticks() { # utime + stime of a process, all its threads
  awk '{print $14 + $15}' "/proc/$1/stat"
}

waited_ns() { # time a process's threads spent runnable but waiting for a core
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{t += $2} END {printf "%d\n", t}'
}

start_server() { # name
  local p
  for p in $PORT_MOCK $PORT_PRISM $PORT_AXUM; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "compare.sh: port $p is already in use (another benchmark?); set PORT_BASE" >&2
      exit 2
    fi
  done
  case $1 in
    mock)
      taskset -c 1 target/release/tegro-money-mock --listen "127.0.0.1:$PORT_MOCK" >"$work/server.log" 2>&1 &
      port=$PORT_MOCK ;;
    axum)
      taskset -c 1 target/release/bare_axum "127.0.0.1:$PORT_AXUM" >"$work/server.log" 2>&1 &
      port=$PORT_AXUM ;;
    prism)
      taskset -c 1 "$PRISM" mock -h 127.0.0.1 -p "$PORT_PRISM" -v warn \
        bench/prism/create_order.openapi.yaml >"$work/server.log" 2>&1 &
      port=$PORT_PRISM ;;
  esac
  server_pid=$!
  if ! wait_port "$port" 60 || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "compare.sh: $1 did not start listening on port $port" >&2
    cat "$work/server.log" >&2
    exit 2
  fi
}

warm_up() { # 64 connections for WARMUP seconds, from the warm-up stream
  WRK_SUMMARY=$work/warm.sum taskset -c 0 wrk -t1 -c64 -d"${WARMUP}s" \
    -s bench/tegro_create_order.lua "http://127.0.0.1:$port" -- "$WARM" 1 >"$work/warm.out" 2>&1 || {
    echo "compare.sh: the warm-up of $s failed" >&2
    cat "$work/warm.out" >&2
    exit 2
  }
}

# Measures once: wrk in the background; once it has loaded the stream and started, the CPU time
# of server and wrk is sampled over the run (all but its last 0.3 s), as a share of one core.
measure() { # conns
  WRK_SUMMARY=$work/run.sum taskset -c 0 stdbuf -oL wrk -t1 -c"$1" -d"${SECS}s" --latency \
    -s bench/tegro_create_order.lua "http://127.0.0.1:$port" -- "$REQS" 1 >"$work/wrk.out" 2>&1 &
  wrk_pid=$!
  local i
  for ((i = 0; i < 6000; i++)); do
    grep -q '^Running' "$work/wrk.out" 2>/dev/null && break
    kill -0 "$wrk_pid" 2>/dev/null || break
    sleep 0.01
  done
  local s0 w0 q0 r0 n0 s1 w1 q1 r1 n1
  s0=$(cpu_ticks "$server_pid") w0=$(cpu_ticks "$wrk_pid" 2>/dev/null || echo 0)
  q0=$(waited_ns "$server_pid") r0=$(waited_ns "$wrk_pid") n0=$(date +%s%N)
  local ms=$((SECS * 1000 > 400 ? SECS * 1000 - 300 : 100))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  s1=$(cpu_ticks "$server_pid") w1=$(cpu_ticks "$wrk_pid" 2>/dev/null || echo 0)
  q1=$(waited_ns "$server_pid") r1=$(waited_ns "$wrk_pid") n1=$(date +%s%N)
  if ! wait "$wrk_pid"; then
    echo "compare.sh: wrk failed against $s" >&2
    cat "$work/wrk.out" >&2
    exit 2
  fi
  wrk_pid=""
  local dt=$((n1 - n0))
  cpu="$(((s1 - s0) * 1000000000 / dt)) $(((w1 - w0) * 1000000000 / dt))"
  cpu="$cpu $(((q1 - q0) * 100 / dt)) $(((r1 - r0) * 100 / dt))"
}

results=$work/results.txt
: >"$results"
for ((round = 1; round <= ROUNDS; round++)); do
  for c in $CONNS; do
    # Alternate the order from round to round: no server always goes first.
    order=$SERVERS
    if ((round % 2 == 0)); then order=$(echo "$SERVERS" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for s in $order; do
      start_server "$s"
      warm_up
      measure "$c"
      created=-1
      if [ "$s" = mock ]; then
        # Orders the mock created (0 if its health could not be read: reported as an error).
        created=$(curl -s --max-time 10 --retry 2 "127.0.0.1:$PORT_MOCK/__mock/health" |
          grep -o '"order":{"kept":[0-9]*,"created":[0-9]*' | grep -o '[0-9]*$' || echo 0)
      fi
      stop_server
      python3 - "$s" "$c" "$round" "$work/warm.sum" "$work/run.sum" $cpu "$created" >>"$results" <<'PY'
import sys
name, conns, rnd, warm, run, srv_cpu, wrk_cpu, srv_wait, wrk_wait, created = sys.argv[1:]
def read(p):
    return {k: int(v) for k, v in (l.strip().split("=") for l in open(p) if "=" in l)}
w, r = read(warm), read(run)
secs = r["duration_us"] / 1e6
errors = {k: r[k] + w[k] for k in ("connect", "read", "write", "status", "timeout")}
print(name, conns, rnd, r["requests"], f'{r["requests"] / secs:.0f}', r["p50_us"], r["p99_us"],
      srv_cpu, wrk_cpu, srv_wait, wrk_wait,
      w["requests"], created, " ".join(f"{k}={v}" for k, v in errors.items()))
PY
      tail -1 "$results" | awk '{printf "  %-5s c=%-3s round %s: %s req/s, p50 %s us, p99 %s us\n", $1, $2, $3, $5, $6, $7}'
    done
  done
done

python3 - "$results" "$SECS" "$N" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
stream_len = int(sys.argv[3])
bad = []
print(f"\n{'server':<7}{'conns':>6}{'round':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'srv cpu':>9}{'wrk cpu':>9}{'srv wait':>10}{'wrk wait':>10}")
by = {}
for name, conns, rnd, reqs, rps, p50, p99, srv, wrk, srv_wait, wrk_wait, warm, created, *errs in rows:
    by.setdefault((name, int(conns)), []).append((float(rps), int(p50), int(p99)))
    print(f"{name:<7}{conns:>6}{rnd:>6}{float(rps):>10,.0f}{int(p50)/1000:>9.2f}{int(p99)/1000:>9.2f}{srv:>8}%{wrk:>8}%{srv_wait:>9}%{wrk_wait:>9}%")
    nonzero = [e for e in errs if not e.endswith("=0")]
    if nonzero:
        bad.append(f"{name} c={conns} round {rnd}: {' '.join(nonzero)} (status = answers other than 2xx/3xx)")
    if name == "mock" and int(created) < int(reqs) + int(warm):
        bad.append(f"mock c={conns} round {rnd}: {created} orders created for {int(reqs) + int(warm)} answers")
    if int(reqs) > stream_len:
        bad.append(f"{name} c={conns} round {rnd}: {reqs} requests, more than the {stream_len} of the stream (raise MAX_RATE)")
med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v),
           statistics.median(x[2] for x in v), min(x[0] for x in v), max(x[0] for x in v))
       for k, v in by.items()}
print(f"\nmedian over rounds ({sys.argv[2]} s each)")
print(f"{'server':<7}{'conns':>6}{'req/s':>10}{'min':>10}{'max':>10}{'p50 ms':>9}{'p99 ms':>9}")
for (name, conns), (rps, p50, p99, lo, hi) in sorted(med.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    print(f"{name:<7}{conns:>6}{rps:>10,.0f}{lo:>10,.0f}{hi:>10,.0f}{p50/1000:>9.2f}{p99/1000:>9.2f}")
conns = sorted({c for _, c in med})
print()
for c in conns:
    m = med.get(("mock", c))
    for other in ("prism", "axum"):
        o = med.get((other, c))
        if m and o:
            print(f"c={c:<3} mock/{other:<5} req/s {m[0] / o[0]:8.2f}x   p99 {m[2] / 1000:.2f} ms vs {o[2] / 1000:.2f} ms")
targets = []
if ("mock", 64) in med:
    m = med[("mock", 64)]
    if ("prism", 64) in med:
        targets.append(("req/s at 64 connections vs Prism >= 10x", f"{m[0] / med[('prism', 64)][0]:.1f}x", m[0] >= 10 * med[("prism", 64)][0]))
    for c in conns:
        if ("axum", c) in med:
            a = med[("axum", c)]
            targets.append((f"req/s vs the bare axum handler >= 60 % (c={c})", f"{100 * med[('mock', c)][0] / a[0]:.0f} %", med[("mock", c)][0] >= 0.6 * a[0]))
    targets.append(("p99 at 64 connections < 2 ms", f"{m[2] / 1000:.2f} ms", m[2] < 2000))
print()
for what, got, ok in targets:
    print(f"{'PASS' if ok else 'FAIL'}  {what:<48} {got}")
for b in bad:
    print(f"ERROR {b}")
sys.exit(2 if bad else (0 if all(ok for *_, ok in targets) else 1))
PY
