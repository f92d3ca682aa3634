"""Copies kubernetes-validate's strict JSON schemas into kubeconform's local layout.

usage: kubeconform-schemas.py OUT_DIR VERSION...   (VERSION like 1.33.0)
Writes OUT_DIR/v<VERSION>-standalone-strict/<kind>-<group>-<version>.json. kubernetes-validate's
schemas carry an https "$id" and refer to "/api/_definitions.json" relative to it, which kubeconform's
file loader cannot fetch: the ids are dropped and the refs point at the copied _definitions.json.
"""
import json
import os
import sys

import kubernetes_validate

SOURCE = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema")
DEFINITIONS = "/api/_definitions.json#"


def rewrite_refs(node, target: str):
    if isinstance(node, dict):
        node.pop("$id", None)
        return {
            k: (target + v[len(DEFINITIONS):] if k == "$ref" and isinstance(v, str) and v.startswith(DEFINITIONS) else rewrite_refs(v, target))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [rewrite_refs(x, target) for x in node]
    return node


def main(out_dir: str, versions: list[str]) -> None:
    for version in versions:
        src = os.path.join(SOURCE, f"v{version}-local-strict")
        if not os.path.isdir(src):
            sys.exit(f"kubernetes-validate ships no schemas for Kubernetes {version} (looked in {src})")
        dst = os.path.abspath(os.path.join(out_dir, f"v{version}-standalone-strict"))
        os.makedirs(dst)
        for name in os.listdir(src):
            with open(os.path.join(src, name), encoding="utf-8") as f:
                schema = json.load(f)
            target = "#" if name == "_definitions.json" else f"file://{dst}/_definitions.json#"
            with open(os.path.join(dst, name), "w", encoding="utf-8") as f:
                json.dump(rewrite_refs(schema, target), f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
