"""Converts CustomResourceDefinitions into kubeconform schemas.

usage: crd-schemas.py OUT_DIR CRD_FILE...
Writes OUT_DIR/<group>/<kind>_<version>.json (kind lowercased), the layout of kubeconform's
-schema-location '<OUT_DIR>/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'. Strict like the
built-in schemas: an object schema that lists its properties and does not preserve unknown fields gets
additionalProperties: false.
"""
import json
import os
import sys

import yaml

# YAML 1.1 reads a bare "=" as the value tag, which safe_load cannot build: it is a plain string here.
yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", yaml.SafeLoader.construct_yaml_str)


def strict(node):
    if isinstance(node, dict):
        node = {k: strict(v) for k, v in node.items()}
        if "properties" in node and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
        return node
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
