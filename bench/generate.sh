#!/usr/bin/env bash
# Times the generator and the generated code's build, in release mode:
#   1. `payspec generate` of the repository's specs (nothing to write), 10 runs;
#   2. a synthetic spec of 2,000 endpoints (bench/synthetic_spec.py over tegro-money), 5 runs,
#      wall time and peak memory;
#   3. a clean build of one generated crate (tegro-money) with its dependencies prebuilt,
#      debug and release.
# Prints min / median / max of each. Needs python3 with PyYAML and GNU time (/usr/bin/time).
# (The build figures include `cargo clean -p`, a few hundredths of a second.)
# Usage: bench/generate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

cargo build -q --release -p payspec
bin=$root/target/release/payspec

# Runs a command N times; prints "min median max" of wall seconds and of peak kB.
measure() {
  local n=$1; shift
  local out; out=$(mktemp)
  for _ in $(seq "$n"); do
    /usr/bin/time -f "%e %M" -o "$out" -a "$@" >/dev/null 2>&1
  done
  python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip() and l.split()[0][0].isdigit()]
wall = sorted(float(r[0]) for r in rows)
mem = sorted(int(r[1]) for r in rows)
print(f"wall s  min {wall[0]:.2f}  median {statistics.median(wall):.2f}  max {wall[-1]:.2f}")
print(f"peak MB min {mem[0]/1024:.0f}  median {statistics.median(mem)/1024:.0f}  max {mem[-1]/1024:.0f}")
PY
  rm -f "$out"
}

echo "== payspec generate, the repository's specs (release)"
measure 10 "$bin" generate

echo "== payspec generate, a synthetic spec of 2,000 endpoints (release)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/specs"
python3 bench/synthetic_spec.py specs/tegro-money.yaml 2000 "$work/specs/synthetic.yaml"
(cd "$work" && "$bin" generate >/dev/null)
(cd "$work" && measure 5 "$bin" generate)

echo "== clean build of generated/tegro-money, dependencies prebuilt"
for profile in dev release; do
  cargo build -q --profile "$profile" -p tegro-money
  echo "-- $profile"
  measure 3 sh -c "cargo clean -q --profile $profile -p tegro-money && exec cargo build -q --profile $profile -p tegro-money"
done
