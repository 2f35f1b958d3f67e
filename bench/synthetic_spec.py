#!/usr/bin/env python3
"""Writes a synthetic spec with many endpoints, for timing the generator at scale.

Usage: bench/synthetic_spec.py SPEC ENDPOINTS OUT
Copies SPEC's endpoints (renamed `<name>_<n>`, paths suffixed with `/<n>`) until the spec has
ENDPOINTS endpoints; everything else (types, auth, webhooks, the mock) is kept as is, except
the doc citations: the copy is written elsewhere, without the vendored docs.
Needs PyYAML."""
import copy
import sys

import yaml


class NoAliases(yaml.SafeDumper):
    """Writes repeated values out in full: specs have no anchors."""

    def ignore_aliases(self, data):
        return True


def without_sources(node):
    """The spec without `source:` keys and `provider.docs` (the copy has no docs beside it)."""
    if isinstance(node, dict):
        return {k: without_sources(v) for k, v in node.items() if k != "source"}
    if isinstance(node, list):
        return [without_sources(v) for v in node]
    return node


def main() -> None:
    src, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(src, encoding="utf-8") as f:
        spec = without_sources(yaml.safe_load(f))
    spec["provider"].pop("docs", None)
    originals = list(spec["endpoints"].items())
    endpoints = dict(originals)
    n = 0
    while len(endpoints) < count:
        n += 1
        for name, e in originals:
            if len(endpoints) >= count:
                break
            e2 = copy.deepcopy(e)
            e2["path"] = e["path"].rstrip("/") + f"/{n}"
            endpoints[f"{name}_{n}"] = e2
    spec["endpoints"] = endpoints
    spec["provider"]["crate"] = "synthetic-pay"
    spec["provider"]["name"] = "Synthetic Pay"
    with open(out, "w", encoding="utf-8") as f:
        yaml.dump(spec, f, Dumper=NoAliases, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main()
