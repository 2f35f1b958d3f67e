#!/usr/bin/env bash
# Times `payspec diff` (release) between two versions of a synthetic 2,000-endpoint spec
# (bench/synthetic_spec.py over tegro-money): the second renames a response field, adds an
# optional request field to every 10th endpoint, removes 5 endpoints and edits 100 summaries.
# Prints min / median / max wall time of 10 runs and the diff's summary line.
# Needs python3 with PyYAML.
# Usage: bench/diff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p payspec
bin=$PWD/target/release/payspec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/synthetic_spec.py specs/tegro-money.yaml 2000 "$work/old.yaml"
python3 - "$work/old.yaml" "$work/new.yaml" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
eps = spec["endpoints"]
spec["types"]["CreatedOrder"]["fields"]["payment_url"] = spec["types"]["CreatedOrder"]["fields"].pop("url")
for e in spec["types"]["CreatedOrder"].get("examples", []):
    pass
names = list(eps)
for i, name in enumerate(names):
    e = eps[name]
    if i % 10 == 0:
        e.setdefault("request", {}).setdefault("fields", {})["callback_url"] = {"type": "string", "optional": True}
    if i % 20 == 1:
        e["summary"] = e["summary"] + " (edited)"
for name in names[-5:]:
    del eps[name]
    for op in list(spec.get("mock", {}).get("operations", {})):
        if op == name:
            del spec["mock"]["operations"][op]
# The docs' examples name the old field: keep them valid.
text = yaml.dump(spec, allow_unicode=True, sort_keys=False)
text = text.replace('"url": "https://tegro.money/pay', '"payment_url": "https://tegro.money/pay')
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
"$bin" diff "$work/old.yaml" "$work/new.yaml" | tail -1 || true
python3 - "$bin" "$work" <<'PY'
import statistics, subprocess, sys, time
bin, work = sys.argv[1], sys.argv[2]
times = []
for _ in range(10):
    t = time.perf_counter()
    subprocess.run([bin, "diff", f"{work}/old.yaml", f"{work}/new.yaml"], stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
times.sort()
print(f"payspec diff, 2,000 endpoints: wall s  min {times[0]:.3f}  median {statistics.median(times):.3f}  max {times[-1]:.3f}")
PY
