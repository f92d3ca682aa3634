"""Converts CustomResourceDefinitions into kubeconform schemas.

usage: crd-schemas.py OUT_DIR CRD_FILE...
Writes OUT_DIR/<group>/<kind>_<version>.json (kind lowercased), the layout of kubeconform's
-schema-location '<OUT_DIR>/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'. Strict like the
built-in schemas: an object schema that lists its properties and does not preserve unknown fields gets
additionalProperties: false (not a oneOf/anyOf/allOf/not branch, which constrains its parent's object).
"""
import json
import os
import sys

import yaml

# YAML 1.1 reads a bare "=" as the value tag, which safe_load cannot build: it is a plain string here.
yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", yaml.SafeLoader.construct_yaml_str)


# Subschemas that only add constraints to the object they sit in (e.g. the Gateway's addresses: oneOf
# {type IPAddress, value an IP} or {type not IPAddress}): closing them would forbid the object's other
# properties, which the enclosing schema declares.
COMBINATORS = ("oneOf", "anyOf", "allOf", "not")


def strict(node, partial=False):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in COMBINATORS:
                out[k] = [strict(x, partial=True) for x in v] if isinstance(v, list) else strict(v, partial=True)
            else:
                out[k] = strict(v)
        if not partial and "properties" in out and "additionalProperties" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [strict(x) for x in node]
    return node


def main(out_dir: str, files: list[str]) -> None:
    for file in files:
        with open(file, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") != "CustomResourceDefinition":
                    continue
                spec = doc["spec"]
                for version in spec["versions"]:
                    schema = version.get("schema", {}).get("openAPIV3Schema")
                    if schema is None:
                        continue
                    target = os.path.join(out_dir, spec["group"], f'{spec["names"]["kind"].lower()}_{version["name"]}.json')
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "w", encoding="utf-8") as out:
                        json.dump(strict(schema), out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
