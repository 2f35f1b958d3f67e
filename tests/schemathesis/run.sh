#!/usr/bin/env bash
# Runs schemathesis against each generated mock, from the crate's exported openapi.json, for
# a bounded time per provider. Requests are authenticated by payspec_hooks.py (signatures
# computed in Python from the recipe in the document). Checks: no server error, every status
# and content type documented, every body matching the exported schema; a request that takes
# longer than the timeout counts as a hang.
#
# Usage: [PROVIDERS="tegro-money …"] tests/schemathesis/run.sh SCHEMATHESIS_BIN [SECONDS_PER_PROVIDER]
# Prints, per provider, the test cases run and the failures; exits 1 if any provider failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
st=$1
secs=${2:-30}
py=$(dirname "$st")/python
cargo build -q --release --features mock -p tegro-money -p m2cerber -p pegas-kassa -p begateway \
  --bin tegro-money-mock --bin m2cerber-mock --bin pegas-kassa-mock --bin begateway-mock
# Logs stay in target/schemathesis/ for reading after the run.
work=target/schemathesis
mkdir -p "$work"
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
port=18300
failed=0
summary=""
for crate in ${PROVIDERS:-tegro-money m2cerber pegas-kassa begateway}; do
  port=$((port + 1))
  # The mock runs with the docs' sample credentials; the hook signs with the same.
  creds=$("$py" - "specs/$crate.yaml" <<'PY'
import json, sys, yaml
spec = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps({k: str(v.get("example", "")) for k, v in spec.get("credentials", {}).items()}))
PY
)
  # The mock serves the API under the path of the provider's base URL (`/api` …).
  base_path=$("$py" - "generated/$crate/openapi.json" <<'PY'
import json, sys, urllib.parse
print(urllib.parse.urlparse(json.load(open(sys.argv[1]))["servers"][0]["url"]).path.rstrip("/"))
PY
)
  "target/release/$crate-mock" --listen "127.0.0.1:$port" >"$work/$crate.mock.log" 2>&1 &
  mock=$!
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  set +e
  PAYSPEC_CREDENTIALS="$creds" SCHEMATHESIS_HOOKS=payspec_hooks PYTHONPATH=tests/schemathesis \
    "$st" run "generated/$crate/openapi.json" --url "http://127.0.0.1:$port$base_path" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --max-time "$secs" --request-timeout 5 --workers 1 --continue-on-failure \
      --seed 1 --no-color >"$work/$crate.out" 2>&1
  rc=$?
  set -e
  kill "$mock" 2>/dev/null || true
  wait "$mock" 2>/dev/null || true
  tail -25 "$work/$crate.out"
  cases=$(grep -A1 '^Test cases:' "$work/$crate.out" | tail -1 | sed 's/^ *//')
  failures=$(grep -E '^  ❌ ST[0-9]+' "$work/$crate.out" | sed 's/^ *❌ //' | tr '\n' ';' || true)
  line="$crate: ${cases:-no test cases}${failures:+; failures: $failures}"
  summary="$summary$line"$'\n'
  [ "$rc" -eq 0 ] || failed=1
done
echo "== schemathesis summary"
printf '%s' "$summary"
exit $failed
