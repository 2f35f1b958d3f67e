"""Writes N signed Tegro createOrder requests (unique nonces and order ids), one per line:
`<hex signature>\t<body>`, signed with the docs' sample API key as Tegro's Python example does.

Usage: gen_tegro_requests.py N OUT [NONCE_BASE [ORDER_PREFIX]]
(defaults 1700000000000 and `bench-`: a second file with a lower base and another prefix
warms a mock up without spending the nonces or order ids of the measured run)."""
import hashlib
import hmac
import json
import sys

API_KEY = b"EEFA1913EA9D9351469B1E5D852A"
n = int(sys.argv[1])
out = sys.argv[2]
nonce_base = int(sys.argv[3]) if len(sys.argv) > 3 else 1700000000000
prefix = sys.argv[4] if len(sys.argv) > 4 else "bench-"
with open(out, "w") as f:
    for i in range(n):
        body = json.dumps({
            "shop_id": "1913EA9D9351469B1E5D852A",
            "nonce": nonce_base + i,
            "currency": "RUB",
            "amount": 1200.50,
            "order_id": f"{prefix}{i}",
            "payment_system": 5,
            "fields": {"email": "user@email.ru"},
        })
        sign = hmac.new(API_KEY, body.encode(), hashlib.sha256).hexdigest()
        f.write(f"{sign}\t{body}\n")
