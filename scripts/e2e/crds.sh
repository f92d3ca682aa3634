#!/usr/bin/env bash
# Extracts the CRDs of the program's own custom resources from the Go module cache into a directory:
#   <out>/prometheus-operator/  ServiceMonitor, PodMonitor, PrometheusRule (monitoring.coreos.com)
#   <out>/gateway-api/          the Gateway API standard channel (gateway.networking.k8s.io)
#   <out>/cert-manager/         Certificate, ClusterIssuer (cert-manager.io)
# Versions: PROMETHEUS_OPERATOR_VERSION, GATEWAY_API_VERSION and CERT_MANAGER_VERSION in
# scripts/e2e/crd-versions.env.
#
# Usage: scripts/e2e/crds.sh [out-dir]      (default: <cache>/crds/<versions>; prints the directory)
# Apply: kubectl apply --server-side -f <out>/prometheus-operator -f <out>/gateway-api -f <out>/cert-manager
#
# The first run downloads the three modules through the Go module proxy (`go mod download`); later
# runs read the module cache only (GOPROXY=off), so they work offline. The extracted files are
# cached too: a second run with the same versions copies nothing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=crd-versions.env
source "$HERE/crd-versions.env"
: "${PROMETHEUS_OPERATOR_VERSION:?pinned in crd-versions.env}" "${GATEWAY_API_VERSION:?pinned in crd-versions.env}" "${CERT_MANAGER_VERSION:?pinned in crd-versions.env}"

CACHE_ROOT="${TICKETBUSTER_E2E_CACHE:-$HOME/.cache/ticketbuster-e2e}"
OUT="${1:-$CACHE_ROOT/crds/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION+gateway-api-$GATEWAY_API_VERSION+cert-manager-$CERT_MANAGER_VERSION}"

# The kinds the program creates; the operator's other CRDs (Prometheus, Alertmanager...) come with the chart.
PROMETHEUS_CRDS=(servicemonitors podmonitors prometheusrules)
# Likewise cert-manager's: the controller makes the CertificateRequests, Orders and Challenges.
CERT_MANAGER_CRDS=(certificates clusterissuers)

# Module directory in the cache: offline first, then through the proxy.
module_dir() {
    local mod="$1" json dir
    local tmp
    tmp="$(mktemp -d)"
    # Outside any go.mod, so the current directory's module does not matter.
    if ! json="$(cd "$tmp" && GOFLAGS=-mod=mod GOPROXY=off go mod download -json "$mod" 2>/dev/null)"; then
        json="$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$mod")"
    fi
    rmdir "$tmp"
    dir="$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -1)"
    [[ -n "$dir" && -d "$dir" ]] || { echo "crds.sh: no module directory for $mod" >&2; printf '%s\n' "$json" >&2; exit 1; }
    printf '%s\n' "$dir"
}

done_marker="$OUT/.complete"
if [[ -f "$done_marker" ]]; then
    printf '%s\n' "$OUT"
    exit 0
fi

mkdir -p "$OUT/prometheus-operator" "$OUT/gateway-api" "$OUT/cert-manager"

po="$(module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")"
for kind in "${PROMETHEUS_CRDS[@]}"; do
    src="$po/example/prometheus-operator-crd/monitoring.coreos.com_$kind.yaml"
    [[ -f "$src" ]] || { echo "crds.sh: $src not in prometheus-operator $PROMETHEUS_OPERATOR_VERSION" >&2; exit 1; }
    install -m 0644 "$src" "$OUT/prometheus-operator/"
done

gw="$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"
shopt -s nullglob
std=("$gw"/config/crd/standard/*.yaml)
[[ ${#std[@]} -gt 0 ]] || { echo "crds.sh: no config/crd/standard/*.yaml in gateway-api $GATEWAY_API_VERSION" >&2; exit 1; }
for src in "${std[@]}"; do
    # kustomization.yaml is not a CRD.
    [[ "$(basename "$src")" == kustomization.yaml ]] && continue
    install -m 0644 "$src" "$OUT/gateway-api/"
done

cm="$(module_dir "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION")"
for kind in "${CERT_MANAGER_CRDS[@]}"; do
    src="$cm/deploy/crds/cert-manager.io_$kind.yaml"
    [[ -f "$src" ]] || { echo "crds.sh: $src not in cert-manager $CERT_MANAGER_VERSION" >&2; exit 1; }
    install -m 0644 "$src" "$OUT/cert-manager/"
done

touch "$done_marker"
printf '%s\n' "$OUT"
