#!/usr/bin/env bash
# Builds (once, cached by version) the tools the e2e tests need:
#   pulumi, pulumi-language-nodejs, pulumi-resource-kubernetes,
#   kube-apiserver, kube-controller-manager, kube-scheduler, kwok, kwokctl, etcd.
#
# Usage:
#   scripts/e2e/toolchain.sh [build] [TOOL...]  build what is missing (all by default), print exports
#   scripts/e2e/toolchain.sh env [TOOL...]      build what is missing (logs on stderr), print only
#                                               the shell exports:  eval "$(scripts/e2e/toolchain.sh env)"
#                                               (exit status 1 if a tool could not be built; the
#                                               exports are printed anyway)
#   scripts/e2e/toolchain.sh bin-dir            print the cache bin dir (no build)
#   scripts/e2e/toolchain.sh check              run every tool's version command
#
# TOOL is one of: pulumi langhost kubernetes-provider kube kwok etcd
#
# Env: TICKETBUSTER_E2E_CACHE (default ~/.cache/ticketbuster-e2e), E2E_NICE (default 15),
#      PULUMI_KUBERNETES_PROVIDER_BINARY (prebuilt pulumi-resource-kubernetes to install
#      when the module proxy does not serve the provider's module).
# Versions: scripts/e2e/versions.env. Builds use the normal Go module cache / GOCACHE.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE_ROOT="${TICKETBUSTER_E2E_CACHE:-$HOME/.cache/ticketbuster-e2e}"
# The cache key is a hash of the pinned versions (comments and blank lines do not count).
KEY="$(grep -Ev '^[[:space:]]*(#|$)' "$HERE/versions.env" | sha256sum | cut -c1-12)"
BIN="$CACHE_ROOT/$KEY/bin"
NICE="${E2E_NICE:-15}"

log() { printf '[toolchain %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Go settings shared by all builds.
export CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"
# Recent pulumi releases are not (yet) in the public checksum database as seen from
# here (lookups answer 404), so skip the sumdb for pulumi's own modules only.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"

TMPDIRS=()
cleanup() { local d; for d in "${TMPDIRS[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT
# mktmp NAME: make a temp dir, remembered for cleanup, in $TMPD (not via $(...): a
# command substitution is a subshell and would lose the TMPDIRS entry).
mktmp() { TMPD="$(mktemp -d "${TMPDIR:-/tmp}/tb-e2e-$1.XXXXXX")"; TMPDIRS+=("$TMPD"); }

have() { local t; for t in "$@"; do [[ -x "$BIN/$t" ]] || return 1; done; }

gobuild() { # gobuild OUT LDFLAGS_EXTRA PKG  (in the current module)
  local out="$1" ldx="$2" pkg="$3"
  nice -n "$NICE" go build -trimpath -ldflags "-s -w $ldx" -o "$out" "$pkg"
}

# Print a module's GoMod file path / source dir (downloads it into the module cache).
modfile() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'; }
# The "go 1.xx" line of a go.mod.
golinefrom() { grep -m1 -E '^go [0-9.]+' "$1"; }
# Replace directives of an upstream go.mod that do not point at a local path, as
# one-line "replace a => b v" statements. (Plain POSIX awk: no {n,m} intervals.)
remote_replaces() {
  awk '
    /^replace[[:space:]]*\($/ { inblk=1; next }
    inblk && /^\)/ { inblk=0; next }
    inblk { line=$0 }
    !inblk && /^replace[[:space:]]/ { line=$0; sub(/^replace[[:space:]]+/, "", line) }
    line != "" {
      if (line !~ /=>[[:space:]]*\.\.?\//) { gsub(/^[[:space:]]+/, "", line); print "replace " line }
      line=""
    }
  ' "$1"
}

timed() { # timed NAME CMD...
  local name="$1" t0=$SECONDS; shift
  log "building $name ..."
  "$@"
  log "built $name in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- pulumi CLI
build_pulumi() {
  mktmp pulumi; local w="$TMPD"
  local pkgmod; pkgmod="$(modfile "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION")"
  [[ -s "$pkgmod" ]] || die "cannot download github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION"
  {
    echo "module ticketbuster.local/e2e/pulumi"
    golinefrom "$pkgmod"
    echo "require github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION"
    echo "require github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION"
    remote_replaces "$pkgmod"
  } >"$w/go.mod"
  (cd "$w" && gobuild "$w/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  install -m 0755 "$w/pulumi" "$BIN/pulumi"
  "$BIN/pulumi" version | grep -qx "$PULUMI_VERSION" || die "pulumi version is not $PULUMI_VERSION"
}

# ------------------------------------------------ Node.js language host
# Upstream's pulumi-language-nodejs is its own Go module, which the module proxy
# reachable here does not serve (403), so build our small protocol-compatible host
# (langhost/main.go) against github.com/pulumi/pulumi/sdk/v3 at PULUMI_VERSION.
# Also install pulumi-resource-pulumi-nodejs (dynamic providers), which upstream
# ships as a shell script next to the CLI.
langhost_sha() { sha256sum <"$HERE/langhost/main.go" | cut -c1-16; }
have_langhost() {
  have pulumi-language-nodejs pulumi-resource-pulumi-nodejs &&
    [[ "$(cat "$BIN/.pulumi-language-nodejs.sha" 2>/dev/null)" == "$(langhost_sha)" ]]
}
build_langhost() {
  mktmp langhost; local w="$TMPD"
  local sdkmod; sdkmod="$(modfile "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION")"
  [[ -s "$sdkmod" ]] || die "cannot download github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
  {
    echo "module ticketbuster.local/e2e/langhost"
    golinefrom "$sdkmod"
    echo "require github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION"
    remote_replaces "$sdkmod"
  } >"$w/go.mod"
  cp "$HERE/langhost/main.go" "$w/main.go"
  (cd "$w" && gobuild "$w/pulumi-language-nodejs" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" .)
  install -m 0755 "$w/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs"
  cat >"$w/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
# Dynamic-provider plugin: runs @pulumi/pulumi's dynamic provider from the
# project's node_modules (the engine starts plugins in the project directory).
set -e
dp="$(node -e 'console.log(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))')"
exec node "$dp" "$@"
SH
  install -m 0755 "$w/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-resource-pulumi-nodejs"
  langhost_sha >"$BIN/.pulumi-language-nodejs.sha"
}

# ------------------------------------------------ pulumi-resource-kubernetes
# Recipe: take github.com/pulumi/pulumi-kubernetes/provider/v4 at the release from
# the module cache, regenerate its go:embed inputs (schema-embed.json etc., made by
# `go generate` in cmd/pulumi-resource-kubernetes), build with the version ldflag.
# If the module proxy does not serve the module (the case on the machines this
# was written on: 403 "This module version is not available"), a prebuilt binary
# can be supplied with PULUMI_KUBERNETES_PROVIDER_BINARY=/path/to/binary.
build_k8s_provider() {
  local v="$PULUMI_KUBERNETES_VERSION"
  mktmp k8sprovider; local w="$TMPD"
  if [[ -n "${PULUMI_KUBERNETES_PROVIDER_BINARY:-}" ]]; then
    [[ -x "$PULUMI_KUBERNETES_PROVIDER_BINARY" ]] || die "PULUMI_KUBERNETES_PROVIDER_BINARY is not executable"
    install -m 0755 "$PULUMI_KUBERNETES_PROVIDER_BINARY" "$BIN/pulumi-resource-kubernetes"
    return 0
  fi
  local mod="github.com/pulumi/pulumi-kubernetes/provider/v4" dir
  dir="$(go mod download -json "$mod@$v" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' || true)"
  if [[ -z "$dir" ]]; then
    log "cannot download $mod@$v from the Go module proxy:"
    go mod download -json "$mod@$v" 2>&1 | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/  \1/p' >&2 || true
    die "pulumi-resource-kubernetes $v cannot be built here; set PULUMI_KUBERNETES_PROVIDER_BINARY to a prebuilt $v binary"
  fi
  cp -r "$dir" "$w/src"
  chmod -R u+w "$w/src"
  (
    cd "$w/src"
    # Relative replaces point into the upstream repository checkout; drop them.
    awk '/=>[[:space:]]*\.\.?\// { sub(/^replace[[:space:]]+/, ""); print $1 }' go.mod |
      while read -r r; do go mod edit -dropreplace="$r"; done
    (cd cmd/pulumi-resource-kubernetes && VERSION="${v#v}" nice -n "$NICE" go generate ./...)
    gobuild "$w/pulumi-resource-kubernetes" "-X $mod/pkg/version.Version=$v" ./cmd/pulumi-resource-kubernetes
  )
  install -m 0755 "$w/pulumi-resource-kubernetes" "$BIN/pulumi-resource-kubernetes"
}

# ------------------------------------------------------- kube control plane
build_kube() {
  mktmp kube; local w="$TMPD"
  local v="$KUBERNETES_VERSION"
  local staging="v0.${v#v1.}"
  local minor; minor="$(echo "$v" | cut -d. -f2)"
  local kmod; kmod="$(modfile "k8s.io/kubernetes@$v")"
  [[ -s "$kmod" ]] || die "cannot download k8s.io/kubernetes@$v"
  {
    echo "module ticketbuster.local/e2e/kube"
    golinefrom "$kmod"
    echo "require k8s.io/kubernetes $v"
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
    # ./staging/src/...; point each at its published release instead.
    sed -nE 's#^[[:space:]]*(replace[[:space:]]+)?(k8s\.io/[^[:space:]]+)[[:space:]]+=>[[:space:]]+\./staging/src/.*#replace \2 => \2 '"$staging"'#p' "$kmod"
    remote_replaces "$kmod"
  } >"$w/go.mod"
  local ldx="" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldx+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ldx+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local t
  for t in kube-apiserver kube-controller-manager kube-scheduler; do
    have "$t" && continue
    local t0=$SECONDS
    (cd "$w" && gobuild "$w/$t" "$ldx" "k8s.io/kubernetes/cmd/$t")
    install -m 0755 "$w/$t" "$BIN/$t"
    "$BIN/$t" --version | grep -qx "Kubernetes $v" || die "$t --version is not 'Kubernetes $v'"
    log "  $t: $((SECONDS - t0))s"
  done
}

# ----------------------------------------------------------------- kwok
build_kwok() {
  mktmp kwok; local w="$TMPD"
  local kv="${KUBERNETES_VERSION#v}"
  local ldx="-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"
  ldx+=" -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$kv -X sigs.k8s.io/kwok/pkg/consts.PreRelease=GA"
  # kwok has no replace directives: plain `go install module@version` works.
  GOBIN="$w" GOFLAGS="-buildvcs=false" nice -n "$NICE" go install -trimpath -ldflags "-s -w $ldx" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
  install -m 0755 "$w/kwok" "$BIN/kwok"
  install -m 0755 "$w/kwokctl" "$BIN/kwokctl"
}

# ----------------------------------------------------------------- etcd
build_etcd() {
  case "$ETCD_SOURCE" in
    apt)
      if [[ ! -x /usr/bin/etcd ]]; then
        [[ $EUID -eq 0 ]] || die "etcd-server is not installed; run as root or: apt-get install etcd-server"
        log "apt-get install etcd-server"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends etcd-server >&2 || {
          apt-get update -q >&2
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends etcd-server >&2
        }
        # The package may start a system etcd on :2379; the e2e cluster does not need it.
        if command -v systemctl >/dev/null && systemctl is-active -q etcd 2>/dev/null; then
          systemctl stop etcd || true
        fi
      fi
      ln -sf /usr/bin/etcd "$BIN/etcd"
      ;;
    go)
      # go.etcd.io/etcd/server/v3 replaces its sibling modules with ../ paths, so
      # build it from a wrapper module (the siblings resolve to the required releases).
      mktmp etcd; local w="$TMPD"
      local emod; emod="$(modfile "go.etcd.io/etcd/server/v3@$ETCD_VERSION")"
      [[ -s "$emod" ]] || die "cannot download go.etcd.io/etcd/server/v3@$ETCD_VERSION"
      {
        echo "module ticketbuster.local/e2e/etcd"
        golinefrom "$emod"
        echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
        remote_replaces "$emod"
      } >"$w/go.mod"
      (cd "$w" && gobuild "$w/etcd" "" go.etcd.io/etcd/server/v3)
      install -m 0755 "$w/etcd" "$BIN/etcd"
      "$BIN/etcd" --version | grep -q "etcd Version: ${ETCD_VERSION#v}" || die "etcd --version is not ${ETCD_VERSION#v}"
      ;;
    *) die "ETCD_SOURCE must be apt or go" ;;
  esac
}

# ------------------------------------------------------------------ main
check_versions() {
  local pj="$REPO/package.json" want
  want="$(sed -nE 's/^[[:space:]]*"@pulumi\/kubernetes":[[:space:]]*"[~^]?([0-9][^"]*)".*/\1/p' "$pj")"
  [[ "v$want" == "$PULUMI_KUBERNETES_VERSION" ]] ||
    die "versions.env PULUMI_KUBERNETES_VERSION=$PULUMI_KUBERNETES_VERSION but package.json has @pulumi/kubernetes $want"
  want="$(sed -nE 's/^[[:space:]]*"@pulumi\/pulumi":[[:space:]]*"[~^]?([0-9][^"]*)".*/\1/p' "$pj")"
  [[ "v$want" == "$PULUMI_VERSION" ]] ||
    die "versions.env PULUMI_VERSION=$PULUMI_VERSION but package.json has @pulumi/pulumi $want"
}

print_env() {
  cat <<ENV
export PATH="$BIN:\$PATH"
export TICKETBUSTER_E2E_BIN="$BIN"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
ENV
}

ALL_TOOLS=(etcd kwok kube pulumi langhost kubernetes-provider)

# Each tool is built by a separate run of this script (`toolchain.sh __one TOOL`), so
# `set -e` holds inside it and one failure does not stop the other tools.
build_one() {
  command -v go >/dev/null || die "go is not installed (needed to build $1)"
  case "$1" in
    pulumi) have pulumi || timed pulumi build_pulumi ;;
    langhost) have_langhost || timed pulumi-language-nodejs build_langhost ;;
    kubernetes-provider) have pulumi-resource-kubernetes || timed pulumi-resource-kubernetes build_k8s_provider ;;
    kube) have kube-apiserver kube-controller-manager kube-scheduler || timed kube build_kube ;;
    kwok) have kwok kwokctl || timed kwok build_kwok ;;
    etcd) have etcd || timed etcd build_etcd ;;
    *) die "unknown tool $1 (known: ${ALL_TOOLS[*]})" ;;
  esac
}

tool_present() {
  case "$1" in
    pulumi) have pulumi ;;
    langhost) have_langhost ;;
    kubernetes-provider) have pulumi-resource-kubernetes ;;
    kube) have kube-apiserver kube-controller-manager kube-scheduler ;;
    kwok) have kwok kwokctl ;;
    etcd) have etcd ;;
    *) die "unknown tool $1 (known: ${ALL_TOOLS[*]})" ;;
  esac
}

build() { # returns 1 if any tool failed; never exits on its own
  check_versions
  mkdir -p "$BIN"
  local t tools=("$@") failed=()
  [[ ${#tools[@]} -gt 0 ]] || tools=("${ALL_TOOLS[@]}")
  for t in "${tools[@]}"; do
    tool_present "$t" && continue
    bash "$HERE/toolchain.sh" __one "$t" || failed+=("$t")
  done
  if [[ ${#failed[@]} -gt 0 ]]; then
    log "FAILED: ${failed[*]} (see messages above); everything else is in $BIN"
    return 1
  fi
  return 0
}

cmd="${1:-build}"
case "$cmd" in
  __one) mkdir -p "$BIN"; build_one "$2" ;;
  env) shift; rc=0; build "$@" >&2 || rc=$?; print_env; exit "$rc" ;;
  bin-dir) echo "$BIN" ;;
  check)
    for t in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs pulumi-resource-kubernetes \
      kube-apiserver kube-controller-manager kube-scheduler kwok kwokctl etcd; do
      printf '%-32s ' "$t"
      if [[ ! -x "$BIN/$t" ]]; then echo MISSING; continue; fi
      case "$t" in
        pulumi) "$BIN/$t" version ;;
        pulumi-language-nodejs | pulumi-resource-*) echo present ;;
        kwok | kwokctl) "$BIN/$t" --version ;;
        etcd) "$BIN/$t" --version | head -1 ;;
        *) "$BIN/$t" --version ;;
      esac
    done
    ;;
  build) shift; rc=0; build "$@" || rc=$?; print_env; exit "$rc" ;;
  *) rc=0; build "$@" || rc=$?; print_env; exit "$rc" ;;
esac
