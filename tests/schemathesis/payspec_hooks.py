"""Schemathesis hooks that authenticate every generated request the way the provider's
exported OpenAPI document says: HTTP Basic, tokens, injected fields and signatures, read from
the `x-payspec-*` extensions of its security schemes. The signing is written here again, in
Python, from the recipe as data, so the mock checks signatures made independently of the
Rust code.

Credentials come from the PAYSPEC_CREDENTIALS environment variable (a JSON object,
credential name -> value), the values the mock runs with.
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import time

import schemathesis

CREDS = json.loads(os.environ.get("PAYSPEC_CREDENTIALS", "{}"))
_lock = threading.Lock()
_last = [0]


def next_nonce(style):
    """Strictly increasing across every request of the run."""
    with _lock:
        now = int(time.time() * 1000) if style == "unix_millis" else int(time.time())
        _last[0] = max(now, _last[0] + 1)
        return _last[0]


def text_of(value):
    """A value as a signature reads it: strings unquoted, other values as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def part_text(part, fields):
    if "credential" in part:
        return CREDS.get(part["credential"], "")
    if "literal" in part:
        return part["literal"]
    value = fields.get(part["field"], "")
    if part.get("format") == "python_float":
        try:
            return str(float(text_of(value)))
        except ValueError:
            return text_of(value)
    return text_of(value)


def digest(recipe, message):
    alg, key = recipe["algorithm"], CREDS.get(recipe.get("key", ""), "").encode()
    if alg == "hmac-sha256":
        raw = hmac.new(key, message, hashlib.sha256).digest()
    elif alg == "sha256":
        raw = hashlib.sha256(message).digest()
    elif alg == "md5":
        raw = hashlib.md5(message).digest()
    else:
        raise ValueError(f"cannot sign with {alg} here")
    if recipe.get("encoding") == "base64":
        return base64.b64encode(raw).decode()
    return raw.hex()


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = case.operation.definition.raw
    schemes = case.operation.schema.raw_schema.get("components", {}).get("securitySchemes", {})
    if case.headers is None:
        case.headers = {}
    names = [name for requirement in operation.get("security", []) for name in requirement]
    for name in names:
        scheme = schemes.get(name, {})
        if "x-payspec-basic" in scheme:
            b = scheme["x-payspec-basic"]
            user = f"{CREDS.get(b['username'], '')}:{CREDS.get(b['password'], '')}"
            case.headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
        elif "x-payspec-credential" in scheme:
            value = CREDS.get(scheme["x-payspec-credential"], "")
            if scheme["in"] == "query":
                case.query = dict(case.query or {}, **{scheme["name"]: value})
            else:
                case.headers[scheme["name"]] = value
    for name in names:
        scheme = schemes.get(name, {})
        recipe = scheme.get("x-payspec-signature")
        if recipe is None:
            continue
        in_body = isinstance(case.body, dict)
        for field in scheme.get("x-payspec-inject", []):
            value = CREDS.get(field["credential"], "") if "credential" in field else next_nonce(field["nonce"])
            if in_body:
                case.body[field["field"]] = value
            else:
                case.query = dict(case.query or {}, **{field["field"]: value})
        fields = case.body if in_body else (case.query or {})
        if recipe["message"] == "body":
            if isinstance(case.body, bytes):
                raw = case.body
            elif case.body is None or type(case.body).__name__ == "NotSet":
                raw = b""
            else:
                raw = json.dumps(case.body).encode()
            case.body = raw
            message = raw
        else:
            message = "".join(part_text(p, fields) for p in recipe["message"]["parts"]).encode()
        case.headers[recipe["header"]] = recipe.get("template", "{signature}").replace(
            "{signature}", digest(recipe, message)
        )
