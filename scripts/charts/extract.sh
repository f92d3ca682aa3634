#!/usr/bin/env bash
# Extracts one released chart version from a git mirror of its source repository into a directory
# that `helm template` and `npm run check:charts` read, with its dependency charts assembled under
# charts/ (what the packaged .tgz of the release holds).
#
# Usage: scripts/charts/extract.sh <mirror git dir> <chart path> <version> <out>
#   e.g. scripts/charts/extract.sh /work/.mirror/traefik+traefik-helm-chart/repo traefik 37.1.1 \
#            ~/chart-sources/traefik-37.1.1
#
# The commit of a version: the release tag when the repository has one (`<name>-<version>`,
# `<name>-helm-chart-<version>`, `v<version>`, `<version>`, checked to hold that version), else the
# first commit whose <chart path>/Chart.yaml says `version: <version>` (later commits may change the
# chart without a release, so the first one is the released state).
#
# A chart whose release tooling writes the version (its Chart.yaml in git says 0.0.0 or v0.0.0, e.g.
# cert-manager's deploy/charts/cert-manager, whose make/manifests.mk sets version and appVersion to the
# release's): the release tag is taken, and version and appVersion are set to <version> as the
# tooling does; the templates, values.yaml and values.schema.json are copied unchanged by that tooling.
#
# Dependencies (Chart.yaml `dependencies`): one without a repository (or file://) is already in the
# tree; one from `https://<org>.github.io/<repo>` (or a repository SOURCE_OF below maps) is extracted, recursively, from the mirror
# `$CHART_MIRRORS/<org>+<repo>/repo` (default CHART_MIRRORS: the directory above the given mirror,
# which is how the `fetch` tool lays mirrors out), chart path `charts/<name>`, `<name>` or `helm/<name>` (at the
# release tag, else HEAD). A version range such as `0.12.*` resolves to the highest
# `<name>-<version>` tag inside it that is not newer than the parent's commit: what
# `helm dependency update` picked when the parent was released.
#
# Out: <out>/Chart.yaml, values.yaml, templates/..., charts/<dep>/..., and .extracted (repository,
# path, commit, tag) for the record. Nothing here touches the network.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "extract.sh: $*" >&2; exit 1; }
log() { echo "extract.sh: $*" >&2; }

[[ $# -eq 4 ]] || die "usage: extract.sh <mirror git dir> <chart path> <version> <out>"
GIT_DIR_="$1"; CHART_PATH="${2%/}"; VERSION="$3"; OUT="$4"
[[ -d "$GIT_DIR_" ]] || die "no git dir at $GIT_DIR_ (fetch the repository first)"
MIRRORS="${CHART_MIRRORS:-$(cd "$GIT_DIR_/../.." && pwd)}"
g() { git --git-dir="$GIT_DIR_" "$@"; }

# version_at REV: the chart version in <chart path>/Chart.yaml at REV (empty if none).
version_at() { g show "$1:$CHART_PATH/Chart.yaml" 2>/dev/null | sed -n "s/^version:[[:space:]]*[\"']\{0,1\}\([^\"' ]*\)[\"']\{0,1\}[[:space:]]*$/\1/p" | head -1; }

NAME="$(basename "$CHART_PATH")"
COMMIT="" TAG="" SET_VERSION=""
for t in "$NAME-$VERSION" "$NAME-helm-chart-$VERSION" "v$VERSION" "$VERSION"; do
    g rev-parse -q --verify "refs/tags/$t^{commit}" >/dev/null || continue
    at="$(version_at "refs/tags/$t")"
    if [[ "$at" == "$VERSION" ]]; then
        COMMIT="$(g rev-parse "refs/tags/$t^{commit}")"; TAG="$t"; break
    fi
    # The release tooling writes the version: only a tag named exactly for it counts.
    if [[ ( "$at" == "0.0.0" || "$at" == "v0.0.0" ) && ( "$t" == "$VERSION" || "$t" == "v$VERSION" ) ]]; then
        COMMIT="$(g rev-parse "refs/tags/$t^{commit}")"; TAG="$t"; SET_VERSION="$at"; break
    fi
done
if [[ -z "$COMMIT" ]]; then
    esc="${VERSION//./\\.}"
    for c in $(g log --reverse --format=%H -G "^version:[[:space:]]*[\"']?$esc[\"']?[[:space:]]*$" -- "$CHART_PATH/Chart.yaml"); do
        if [[ "$(version_at "$c")" == "$VERSION" ]]; then COMMIT="$c"; break; fi
    done
fi
[[ -n "$COMMIT" ]] || die "no commit of $GIT_DIR_ has $CHART_PATH/Chart.yaml at version $VERSION"
log "$NAME $VERSION: $(basename "$(dirname "$GIT_DIR_")") ${TAG:-commit} ${COMMIT:0:12}"

rm -rf "$OUT"; mkdir -p "$OUT"
depth="$(awk -F/ '{print NF}' <<<"$CHART_PATH")"
g archive --format=tar "$COMMIT" "$CHART_PATH" | tar -x -C "$OUT" --strip-components="$depth"
[[ -f "$OUT/Chart.yaml" ]] || die "$CHART_PATH has no Chart.yaml at $COMMIT"
if [[ -n "$SET_VERSION" ]]; then
    log "$NAME: Chart.yaml at $TAG says $SET_VERSION (set at release): version and appVersion set to $VERSION"
    sed -i -E "s/^(version|appVersion):[[:space:]]*[\"']?${SET_VERSION//./\\.}[\"']?[[:space:]]*$/\1: $VERSION/" "$OUT/Chart.yaml"
    [[ "$(sed -n 's/^version:[[:space:]]*//p' "$OUT/Chart.yaml")" == "$VERSION" ]] || die "$NAME: could not set the version in $OUT/Chart.yaml"
fi
printf 'repository: %s\npath: %s\ncommit: %s\ntag: %s\n' "$(basename "$(dirname "$GIT_DIR_")")" "$CHART_PATH" "$COMMIT" "${TAG:-none}" >"$OUT/.extracted"
PARENT_DATE="$(g log -1 --format=%ct "$COMMIT")"

# Dependencies as "name<TAB>version<TAB>repository" lines.
deps="$(node -e '
    const { parse } = require(process.argv[1]);
    const chart = parse(require("fs").readFileSync(process.argv[2], "utf8")) || {};
    for (const d of chart.dependencies || []) console.log([d.name, d.version || "", d.repository || ""].join("\t"));
' "$HERE/../../node_modules/yaml" "$OUT/Chart.yaml")"

# matches VERSION CONSTRAINT: exact, or with `*` / `x` wildcards (the forms these charts use).
matches() {
    local v="$1" c="${2#=}"
    [[ "$c" == "$v" ]] && return 0
    [[ "$c" == *[*xX]* ]] || return 1
    local re="^${c//./\\.}$"; re="${re//\*/[0-9]+}"; re="${re//x/[0-9]+}"; re="${re//X/[0-9]+}"
    [[ "$v" =~ $re ]]
}

# Chart repositories not served from GitHub Pages: the GitHub repository that holds their charts
# (MinIO's, a dependency of the Loki chart, keeps its chart in helm/minio of minio/minio).
declare -A SOURCE_OF=([https://charts.min.io]=minio/minio)

while IFS=$'\t' read -r dname dversion drepo; do
    [[ -n "$dname" ]] || continue
    if [[ -z "$drepo" || "$drepo" == file://* ]]; then
        [[ -f "$OUT/charts/$dname/Chart.yaml" ]] || die "$NAME: local dependency $dname is not in charts/$dname"
        continue
    fi
    if [[ -n "${SOURCE_OF[${drepo%/}]:-}" ]]; then
        dsource="${SOURCE_OF[${drepo%/}]}"
    elif [[ "$drepo" =~ ^https://([A-Za-z0-9_.-]+)\.github\.io/([A-Za-z0-9_.-]+)/?$ ]]; then
        dsource="${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    else
        die "$NAME: dependency $dname from $drepo: only https://<org>.github.io/<repo> repositories (and ${!SOURCE_OF[*]}) map to a mirror"
    fi
    dgit="$MIRRORS/${dsource/\//+}/repo"
    [[ -d "$dgit" ]] || die "$NAME: dependency $dname needs the mirror $dgit (fetch github:$dsource)"
    resolved=""
    if [[ "$dversion" =~ ^=?[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
        resolved="${dversion#=}"
    else
        best=""
        while read -r tag; do
            v="${tag#"$dname"-}"
            [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && matches "$v" "$dversion" || continue
            (( $(git --git-dir="$dgit" log -1 --format=%ct "refs/tags/$tag") <= PARENT_DATE )) || continue
            best="$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -1)"
        done < <(git --git-dir="$dgit" tag -l "$dname-*")
        [[ -n "$best" ]] || die "$NAME: no $dname tag matches $dversion before the parent's release"
        resolved="$best"
        log "$NAME: $dname $dversion -> $resolved (highest released by the parent's commit)"
    fi
    # Where the chart lived at its release (charts move: grafana's left grafana/helm-charts later).
    dpath=""
    for rev in "refs/tags/$dname-$resolved" HEAD; do
        for p in "charts/$dname" "$dname" "helm/$dname"; do
            if git --git-dir="$dgit" cat-file -e "$rev:$p/Chart.yaml" 2>/dev/null; then dpath="$p"; break 2; fi
        done
    done
    [[ -n "$dpath" ]] || die "$NAME: no charts/$dname in $dgit"
    rm -rf "$OUT/charts/$dname"
    CHART_MIRRORS="$MIRRORS" "$0" "$dgit" "$dpath" "$resolved" "$OUT/charts/$dname"
done <<<"$deps"
