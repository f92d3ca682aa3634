#!/usr/bin/env bash
# Prints a directory holding the CRDs the e2e API server needs, taken from the Go module cache at
# pinned versions (no download at run time once the module is cached).
#   scripts/e2e/crds.sh gateway-api   Gateway API standard channel (Gateway, HTTPRoute, GatewayClass...)
set -euo pipefail
GATEWAY_API_VERSION=v1.6.3   # the module proxy here serves v1.6.3; newer ones were refused

moddir() { GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'; }

case "${1:-}" in
  gateway-api)
    dir="$(moddir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")/config/crd/standard"
    [[ -d "$dir" ]] || { echo "no CRDs in $dir" >&2; exit 1; }
    echo "$dir" ;;
  *) echo "usage: $0 gateway-api" >&2; exit 2 ;;
esac
