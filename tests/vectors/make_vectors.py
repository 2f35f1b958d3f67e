#!/usr/bin/env python3
"""Independent signing vectors for every `auth:` scheme of every spec.

The signatures here are computed by code that is not payspec's: Python's hmac, hashlib,
base64 and urllib, and the `openssl` command for RSA. Each formula is written from the
provider's documentation (the prose of each scheme's `description:` in the spec), never from
the spec's machine-readable recipe, so a wrong recipe in a spec makes the Rust tests that
replay these vectors fail.

Run from the repository root to regenerate `tests/vectors/signing.json`:

    python3 tests/vectors/make_vectors.py

Needs Python 3.9+ with PyYAML (only to read the docs' request examples and each endpoint's
method, path and encoding from the specs) and `openssl` on PATH.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import tempfile
import urllib.parse

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "vectors", "signing.json")

# The sample credentials each mock accepts by default (the docs' samples where they print
# any; otherwise the mock defaults named in each spec's `credentials:`).
TEGRO = {
    "shop_id": "1913EA9D9351469B1E5D852A",
    "api_key": "EEFA1913EA9D9351469B1E5D852A",
    "secret_key": "TEGRO-DEMO-SECRET",
}
M2CERBER = {"merch_id": "m2cerber-demo-merchant", "secret_key": "m2cerber-demo-secret-key"}
PEGAS = {"token": "pegas-demo-token"}
BEGATEWAY = {"shop_id": "1", "secret_key": "begateway-demo-secret-key"}


def spec(name):
    with open(os.path.join(ROOT, "specs", name + ".yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def py_float(text):
    """m2cerber writes sums as Python's `str(float(x))`."""
    return str(float(text))


def php_query(pairs):
    """PHP's http_build_query: urlencode() of keys and values (space as `+`, `~` encoded)."""
    enc = lambda s: urllib.parse.quote_plus(s, safe="").replace("~", "%7E")
    return "&".join(enc(k) + "=" + enc(v) for k, v in pairs)


def wire_text(v):
    """A JSON value as it travels in a query string or signed string."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v)


# --- the formulas, one per scheme, from the providers' prose -----------------------------

def tegro_api(body):
    # "Every call is signed with the REST API key over the exact body bytes sent":
    # HMAC-SHA256, hex, as `Authorization: Bearer <hex>`.
    sig = hmac.new(TEGRO["api_key"].encode(), body.encode(), hashlib.sha256).hexdigest()
    return body, sig, [["Authorization", "Bearer " + sig]]


def tegro_notification(fields):
    # "MD5 over all notification fields but `sign`, sorted by name and encoded as PHP's
    # http_build_query does, followed by the shop secret key."
    message = php_query(sorted(fields)) + TEGRO["secret_key"]
    return message, hashlib.md5(message.encode()).hexdigest()


def m2cerber_sha256(*parts):
    message = "".join(parts)
    return message, hashlib.sha256(message.encode()).hexdigest()


def m2cerber_request(endpoint, f):
    s = M2CERBER["secret_key"]
    if endpoint == "get_wallet":  # sha256(payment_id + secret_key + status + str(float(sum)))
        return "wallet", m2cerber_sha256(f["payment_id"], s, f["status"], py_float(f["sum"]))
    if endpoint == "update_status":  # sha256(payment_id + secret_key + status)
        return "status_update", m2cerber_sha256(f["payment_id"], s, f["status"])
    if endpoint == "get_status":  # sha256(payment_id + secret_key)
        return "status_check", m2cerber_sha256(f["payment_id"], s)
    if endpoint == "get_balance":  # sha256(merch_id + secret_key)
        return "balance", m2cerber_sha256(M2CERBER["merch_id"], s)
    raise KeyError(endpoint)


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def rsa_sha256_b64(private_pem, message):
    """`openssl dgst -sha256 -sign`: RSA PKCS#1 v1.5 over SHA-256, base64."""
    with tempfile.TemporaryDirectory() as d:
        key = os.path.join(d, "key.pem")
        with open(key, "w") as f:
            f.write(private_pem + "\n")
        out = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", key],
            input=message.encode(),
            capture_output=True,
            check=True,
        ).stdout
    return base64.b64encode(out).decode()


# --- requests: every docs example, signed -------------------------------------------------

def request_vectors():
    out = []
    for name in ["tegro-money", "m2cerber", "pegas-kassa", "begateway"]:
        s = spec(name)
        d = s.get("defaults", {})
        for endpoint, e in s["endpoints"].items():
            for index, ex in enumerate(e.get("examples", [])):
                if "request" not in ex:
                    continue
                text = ex["request"]
                fields = json.loads(text)
                method = e.get("method", d.get("method", "POST"))
                encoding = (e.get("request") or {}).get("encoding", d.get("encoding", "json"))
                path = e["path"]
                for k in list(fields):
                    if "{" + k + "}" in path:
                        path = path.replace("{" + k + "}", urllib.parse.quote(wire_text(fields.pop(k)), safe=""))
                query, body = [], ""
                if encoding == "query":
                    query = [[k, wire_text(v)] for k, v in fields.items()]
                else:
                    body = text  # unchanged, path parameters included, as the docs print it
                v = {
                    "spec": name,
                    "endpoint": endpoint,
                    "example": index,
                    "method": method,
                    "path": path,
                    "query": query,
                    "body": body,
                }
                if name == "tegro-money":
                    v["scheme"] = "api"
                    v["message"], v["signature"], v["headers"] = tegro_api(body)
                elif name == "m2cerber":
                    v["scheme"], (v["message"], v["signature"]) = m2cerber_request(endpoint, fields)
                    v["headers"] = [["Signature", v["signature"]]]
                elif name == "pegas-kassa":
                    # "The site token travels as the `token` query parameter of every call."
                    v["scheme"] = "token"
                    if not any(k == "token" for k, _ in query):
                        query.append(["token", PEGAS["token"]])
                    v["message"] = v["signature"] = PEGAS["token"]
                    v["headers"] = []
                else:
                    # "HTTP Basic authentication with the shop id and the shop secret key."
                    v["scheme"] = "basic"
                    v["message"] = BEGATEWAY["shop_id"] + ":" + BEGATEWAY["secret_key"]
                    v["signature"] = basic(BEGATEWAY["shop_id"], BEGATEWAY["secret_key"])
                    v["headers"] = [["Authorization", v["signature"]]]
                v["url_query"] = urllib.parse.urlencode([tuple(p) for p in v["query"]])
                out.append(v)
    return out


def m2cerber_wallet_sums():
    """get_wallet signed with sums whose `str(float(x))` is not the text sent."""
    out = []
    for i, total in enumerate(["12.50", "0.10", "1200.00", "9999999999999998", "7"]):
        f = {
            "payment_id": f"vector-{i}",
            "user_wallet": "1234567890",
            "sum": total,
            "status": "pending",
            "callback_url": "https://merchant.example/cb",
            "merch_id": M2CERBER["merch_id"],
            "create_time": "2024-01-01 12:00:00",
        }
        body = json.dumps(f)
        scheme, (message, sig) = m2cerber_request("get_wallet", f)
        out.append({
            "spec": "m2cerber", "endpoint": "get_wallet", "example": None, "scheme": scheme,
            "method": "POST", "path": "/get_wallet/", "query": [], "url_query": "", "body": body,
            "message": message, "signature": sig, "headers": [["Signature", sig]],
        })
    return out


# --- webhooks ------------------------------------------------------------------------------

def webhook_vectors():
    out = []
    # Tegro.money: a form body with `sign` appended (the order of the other fields is the
    # sender's; the signature sorts them).
    for fields in [
        [("shop_id", TEGRO["shop_id"]), ("amount", "1200.00"), ("order_id", "test order #1"),
         ("payment_system", "5"), ("currency", "RUB"), ("test", "1")],
        [("shop_id", TEGRO["shop_id"]), ("amount", "0.50"), ("order_id", "заказ ~42/a+b&c=d"),
         ("payment_system", "11"), ("currency", "USD")],
        [("currency", "EUR"), ("payment_system", "3"), ("order_id", "A-1"), ("amount", "99999.99"),
         ("shop_id", TEGRO["shop_id"])],
    ]:
        message, sig = tegro_notification(fields)
        body = urllib.parse.urlencode(fields + [("sign", sig)])
        out.append({
            "spec": "tegro-money", "webhook": "payment_notification", "scheme": "notification",
            "credentials": {"secret_key": TEGRO["secret_key"]},
            "headers": [["Content-Type", "application/x-www-form-urlencoded"]],
            "body": body, "message": message, "signature": sig, "fields": dict(fields),
        })

    # m2cerber: the docs' three webhook examples, plus sums whose float text differs.
    s = spec("m2cerber")
    key = M2CERBER["secret_key"]
    bodies = [(w, ex["request"]) for w, d in s["webhooks"].items() for ex in d.get("examples", [])]
    bodies += [
        ("accept_payment", json.dumps({"status": "confirm", "payment_id": "p-7", "confirm_sum": "12.50"})),
        ("accept_payment", json.dumps({"status": "confirm", "payment_id": 77, "confirm_sum": "0.10"})),
        ("change_sum", json.dumps({"payment_id": "p-8", "confirm_sum": "1200.00", "payment_sum": "1500"})),
    ]
    for webhook, body in bodies:
        f = json.loads(body)
        pid = wire_text(f["payment_id"])
        if webhook == "change_sum":  # sha256(payment_id + secret_key + str(float(confirm_sum)))
            scheme = "change_sum_webhook"
            message, sig = m2cerber_sha256(pid, key, py_float(f["confirm_sum"]))
        else:  # sha256(payment_id + secret_key + status + str(float(confirm_sum)))
            scheme = "payment_webhook"
            message, sig = m2cerber_sha256(pid, key, f["status"], py_float(f["confirm_sum"]))
        out.append({
            "spec": "m2cerber", "webhook": webhook, "scheme": scheme,
            "credentials": {"secret_key": key},
            "headers": [["Content-Type", "application/json"], ["Signature", sig]],
            "body": body, "message": message, "signature": sig,
            "fields": {k: wire_text(v) for k, v in f.items()},
        })

    # beGateway: HTTP Basic plus `Content-Signature`, base64 RSA-SHA256 of the raw body,
    # signed by openssl with the demo private key the mock uses.
    pem = spec("begateway")["mock"]["private_key"]
    for body in [
        '{"transaction":{"uid":"1-310b0da80b","status":"successful","type":"payment","amount":990,'
        '"currency":"USD","description":"product","tracking_id":"prd_1567bece456ac4aa",'
        '"message":"Successfully processed","test":true,"created_at":"2024-01-01T12:00:00Z"}}',
        '{\n  "transaction": {"uid": "2-aa", "status": "failed", "amount": "1050", "currency": "EUR"}\n}',
    ]:
        sig = rsa_sha256_b64(pem, body)
        auth = basic(BEGATEWAY["shop_id"], BEGATEWAY["secret_key"])
        out.append({
            "spec": "begateway", "webhook": "notification", "scheme": "notification",
            "credentials": dict(BEGATEWAY),
            "headers": [["Content-Type", "application/json"], ["Authorization", auth],
                        ["Content-Signature", sig]],
            "body": body, "message": body, "signature": sig, "fields": {},
        })
    return out


def main():
    data = {
        "about": "Signatures computed by tests/vectors/make_vectors.py with Python's hmac, "
                 "hashlib, base64 and urllib, and openssl for RSA; regenerate with "
                 "`python3 tests/vectors/make_vectors.py`.",
        "credentials": {"tegro-money": TEGRO, "m2cerber": M2CERBER, "pegas-kassa": PEGAS,
                        "begateway": BEGATEWAY},
        "requests": request_vectors() + m2cerber_wallet_sums(),
        "webhooks": webhook_vectors(),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{OUT}: {len(data['requests'])} requests, {len(data['webhooks'])} webhooks")


if __name__ == "__main__":
    main()
