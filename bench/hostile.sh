#!/usr/bin/env bash
# Times the release Tegro.money mock against hostile bodies, as an attacker sends them:
#   1. an unsigned 1 MB body of 100,000 distinct keys (refused at the member limit);
#   2. the same body signed (refused the same way: the reader stops before the signature);
#   3. 10 s of 2 MB signed creates on 16 connections, peak resident memory (VmHWM).
# Prints each time as min / median / max of 20 requests (curl's time_total).
# Usage: bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --features mock -p tegro-money --bin tegro-money-mock

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
target/release/tegro-money-mock --listen 127.0.0.1:18093 >/dev/null &
mock=$!
sleep 0.5
url=http://127.0.0.1:18093/api/createOrder/

python3 -c 'print("{"+",".join("\"k%d\":0"%i for i in range(100000))+"}")' > "$work/keys.json"
key=EEFA1913EA9D9351469B1E5D852A
sig=$(python3 -c 'import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), open(sys.argv[2],"rb").read(), hashlib.sha256).hexdigest())' "$key" "$work/keys.json")

times() { # label, curl args...
  local label=$1; shift
  for _ in $(seq 20); do
    curl -s -o "$work/answer" -w '%{time_total}\n' -H 'Content-Type: application/json' "$@"
  done | sort -n | awk -v l="$label" '{t[NR]=$1} END {printf "%-44s min %.1f ms  median %.1f ms  max %.1f ms\n", l, t[1]*1000, t[int((NR+1)/2)]*1000, t[NR]*1000}'
  echo "  answer: $(head -c 120 "$work/answer")"
}
echo "== $(wc -c < "$work/keys.json") bytes, 100,000 distinct keys"
times "unsigned" --data-binary @"$work/keys.json" "$url"
times "signed" --data-binary @"$work/keys.json" -H "Authorization: Bearer $sig" "$url"

echo "== 10 s of 2 MB signed creates, 16 connections"
python3 - "$key" "$url" <<'EOF'
import hmac, hashlib, sys, threading, time, urllib.request, urllib.error
key, url = sys.argv[1].encode(), sys.argv[2]
stop = time.time() + 10
counts = {}
lock = threading.Lock()
def run(w):
    n = 0
    while time.time() < stop:
        n += 1
        body = ('{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": %d, "currency": "RUB", "amount": 5, "order_id": "%s", "payment_system": 5}'
                % (int(time.time() * 1000) * 100 + w, "x" * 2_000_000)).encode()
        req = urllib.request.Request(url, data=body, headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer " + hmac.new(key, body, hashlib.sha256).hexdigest()})
        try:
            status = urllib.request.urlopen(req, timeout=10).status
        except urllib.error.HTTPError as e:
            status = e.code
        except Exception as e:
            status = type(e).__name__
        with lock:
            counts[status] = counts.get(status, 0) + 1
threads = [threading.Thread(target=run, args=(w,)) for w in range(16)]
[t.start() for t in threads]
[t.join() for t in threads]
print("  answers:", counts)
EOF
echo "  peak resident memory (VmHWM): $(awk '/VmHWM/ {print $2}' /proc/$mock/status) kB"
kill $mock
