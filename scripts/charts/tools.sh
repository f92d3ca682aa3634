#!/usr/bin/env bash
# Builds (once, cached by version) the `helm` binary that `npm run check:charts` renders charts with:
# helm.sh/helm/v3 from the Go module proxy, at the version pulumi-kubernetes vendors (versions.env).
#
# Usage: scripts/charts/tools.sh [install]   build what is missing, print the helm binary's path
#        scripts/charts/tools.sh path        print the helm binary's path (no build)
# Env:   TICKETBUSTER_CHARTS_CACHE (default ~/.cache/ticketbuster-charts)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
# The cache key is a hash of the tool pins (HELM_*), so changing another setting rebuilds nothing.
KEY="$(grep -E '^HELM_' "$HERE/versions.env" | sha256sum | cut -c1-12)"
DIR="${TICKETBUSTER_CHARTS_CACHE:-$HOME/.cache/ticketbuster-charts}/$KEY"
HELM="$DIR/bin/helm"

log() { printf '[charts-tools %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ "${1:-install}" == path ]]; then echo "$HELM"; exit 0; fi

if [[ ! -x "$HELM" ]]; then
    mkdir -p "$DIR/bin"
    log "helm $HELM_VERSION (go install helm.sh/helm/v3/cmd/helm; a few minutes on 2 cores)"
    CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOBIN="$DIR/bin" nice -n 15 \
        go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
        "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
echo "$HELM"
