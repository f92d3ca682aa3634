#!/usr/bin/env bash
# Installs (once, cached by version) the manifest linters that `npm run lint:k8s` runs:
# kube-score and kubeconform (Go modules), checkov and kubernetes-validate (PyPI, in a venv), and
# kubeconform schemas for the Gateway API, prometheus-operator and cert-manager CRDs (from their Go modules).
# Nothing is downloaded at lint time: kubeconform reads the schemas prepared here.
#
# Usage: scripts/lint/tools.sh [install]   install what is missing, print the cache dir
#        scripts/lint/tools.sh dir         print the cache dir (no install)
# Env:   TICKETBUSTER_LINT_CACHE (default ~/.cache/ticketbuster-lint)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
KEY="$(grep -Ev '^[[:space:]]*(#|$)' "$HERE/versions.env" | sha256sum | cut -c1-12)"
DIR="${TICKETBUSTER_LINT_CACHE:-$HOME/.cache/ticketbuster-lint}/$KEY"

log() { printf '[lint-tools %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ "${1:-install}" == dir ]]; then echo "$DIR"; exit 0; fi

mkdir -p "$DIR/bin"
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOBIN="$DIR/bin"

if [[ ! -x "$DIR/bin/kube-score" ]]; then
    log "kube-score $KUBE_SCORE_VERSION"
    go install -trimpath -ldflags "-s -w" "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
fi
if [[ ! -x "$DIR/bin/kubeconform" ]]; then
    log "kubeconform $KUBECONFORM_VERSION"
    go install -trimpath -ldflags "-s -w" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
fi
if [[ ! -x "$DIR/venv/bin/checkov" ]]; then
    log "checkov $CHECKOV_VERSION, kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
    rm -rf "$DIR/venv"
    python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/pip" install -q --disable-pip-version-check \
        "checkov==$CHECKOV_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
# kubeconform wants one directory per version in its {{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}
# layout, and cannot follow kubernetes-validate's root-relative "/api/_definitions.json" refs: copy the
# strict schemas of the versions we validate against with those refs made file-relative.
if [[ ! -f "$DIR/schemas/.done" ]]; then
    log "kubeconform schemas for Kubernetes $KUBERNETES_SCHEMA_VERSIONS"
    rm -rf "$DIR/schemas"
    "$DIR/venv/bin/python" "$HERE/kubeconform-schemas.py" "$DIR/schemas" $KUBERNETES_SCHEMA_VERSIONS
    touch "$DIR/schemas/.done"
fi
# Schemas of the CRDs the program may use (Gateway API, prometheus-operator, cert-manager), from their Go modules' CRD manifests.
if [[ ! -f "$DIR/crd-schemas/.done" ]]; then
    log "CRD schemas: gateway-api $GATEWAY_API_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION, cert-manager $CERT_MANAGER_VERSION"
    rm -rf "$DIR/crd-schemas"
    gateway="$(go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    prometheus="$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    certmanager="$(go mod download -json "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    "$DIR/venv/bin/python" "$HERE/crd-schemas.py" "$DIR/crd-schemas" \
        "$gateway"/config/crd/standard/*.yaml "$prometheus"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,podmonitors,prometheusrules}.yaml \
        "$certmanager"/deploy/crds/cert-manager.io_{certificates,clusterissuers}.yaml
    touch "$DIR/crd-schemas/.done"
fi
echo "$DIR"
