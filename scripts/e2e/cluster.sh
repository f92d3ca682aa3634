#!/usr/bin/env bash
# A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) plus a kwok controller that plays the kubelets, run as local
# processes by kwokctl's `binary` runtime from the binaries toolchain.sh built.
#
# Usage:
#   scripts/e2e/cluster.sh up           (re)create the cluster, fake nodes, StorageClass e2e-static
#                                       and static PVs; wait until all is ready; print the kubeconfig path
#   scripts/e2e/cluster.sh down         delete the cluster (always safe to run)
#   scripts/e2e/cluster.sh kubeconfig   print the kubeconfig path
#   scripts/e2e/cluster.sh status       show components, nodes and PVs
#   scripts/e2e/cluster.sh recycle-pvs  make Released static PVs Available again (after a destroy)
#   scripts/e2e/cluster.sh logs COMPONENT   e.g. kube-apiserver, kube-controller-manager, kwok-controller
#
# Env:
#   E2E_CLUSTER_NAME              cluster name (default ticketbuster-e2e)
#   TICKETBUSTER_E2E_CLUSTER_DIR  state dir: kwok workdir + kubeconfig
#                                 (default ${TMPDIR:-/tmp}/ticketbuster-e2e-cluster)
#   E2E_NODES                     number of fake nodes (default 3)
#   E2E_STATIC_PVS                sizes of the static PVs (default "20Gi 20Gi 10Gi 5Gi 5Gi 1Gi 1Gi")
#   E2E_DEFAULT_STORAGE_CLASS     1 = mark e2e-static as the default StorageClass (default 0)
#   TICKETBUSTER_E2E_CACHE        toolchain cache (see toolchain.sh)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NAME="${E2E_CLUSTER_NAME:-ticketbuster-e2e}"
STATE="${TICKETBUSTER_E2E_CLUSTER_DIR:-${TMPDIR:-/tmp}/ticketbuster-e2e-cluster}"
KCFG="$STATE/kubeconfig"
NODES="${E2E_NODES:-3}"
PVS="${E2E_STATIC_PVS:-20Gi 20Gi 10Gi 5Gi 5Gi 1Gi 1Gi}"
STORAGE_CLASS=e2e-static

log() { printf '[cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

BIN="$(bash "$HERE/toolchain.sh" bin-dir)"
ensure_tools() {
  local t missing=0
  for t in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kwokctl; do
    [[ -x "$BIN/$t" ]] || missing=1
  done
  if [[ $missing == 1 ]]; then
    log "building missing control-plane tools (toolchain.sh build etcd kwok kube)"
    bash "$HERE/toolchain.sh" build etcd kwok kube >/dev/null
  fi
  command -v kubectl >/dev/null || die "kubectl is not on PATH"
}

kwokctl() { KWOK_WORKDIR="$STATE/kwok" "$BIN/kwokctl" --name "$NAME" "$@"; }
k() { kubectl --kubeconfig "$KCFG" "$@"; }

# retry SECONDS CMD...: run CMD until it succeeds or SECONDS have passed.
retry() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

cluster_exists() { [[ -d "$STATE/kwok/clusters/$NAME" ]]; }

down() {
  if cluster_exists; then
    log "deleting cluster $NAME"
    kwokctl delete cluster --kubeconfig "$KCFG" >&2 || log "kwokctl delete cluster failed; removing state anyway"
  fi
  # Whatever kwokctl could not stop (e.g. state dir half gone): components run from
  # our bin dir with the cluster's state dir in their arguments.
  local pids=()
  mapfile -t pids < <(pgrep -f -- "$STATE/kwok/clusters/$NAME/" || true)
  if [[ ${#pids[@]} -gt 0 ]]; then
    log "stopping leftover processes: ${pids[*]}"
    kill "${pids[@]}" 2>/dev/null || true
    sleep 2
    kill -9 "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$STATE/kwok/clusters/$NAME" "$KCFG"
}

nodes_yaml() {
  local i zones=(a b c)
  for ((i = 0; i < NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    node-role.kubernetes.io/agent: ""
    type: kwok
    topology.kubernetes.io/region: e2e
    topology.kubernetes.io/zone: e2e-${zones[$((i % 3))]}
spec: {}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti}
  capacity: {cpu: "32", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
EOF
  done
}

storage_yaml() {
  local default=false
  [[ "${E2E_DEFAULT_STORAGE_CLASS:-0}" == 1 ]] && default=true
  cat <<EOF
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $STORAGE_CLASS
  annotations:
    storageclass.kubernetes.io/is-default-class: "$default"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Retain
EOF
  local size i=0 name
  for size in $PVS; do
    name="$STORAGE_CLASS-$(echo "$size" | tr '[:upper:]' '[:lower:]')-$i"
    cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $name
  labels:
    ticketbuster.e2e/static-pv: "true"
spec:
  capacity: {storage: $size}
  accessModes: [ReadWriteOnce, ReadOnlyMany, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: $STORAGE_CLASS
  volumeMode: Filesystem
  hostPath: {path: /tmp/ticketbuster-e2e-pv/$name, type: DirectoryOrCreate}
EOF
    i=$((i + 1))
  done
}

up() {
  ensure_tools
  down
  mkdir -p "$STATE"
  local etcd_version
  etcd_version="$("$BIN/etcd" --version | sed -n 's/^etcd Version: *//p')"
  [[ -n "$etcd_version" ]] || die "cannot read the version of $BIN/etcd"
  # Components listen on loopback only (kwokctl's default bind address is 0.0.0.0).
  cat >"$STATE/kwokctl.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
EOF
  log "creating cluster $NAME (kube-apiserver $("$BIN/kube-apiserver" --version), etcd $etcd_version, kwok $("$BIN/kwok" --version 2>/dev/null | awk '{print $3}'))"
  # Every binary is a local path, so kwokctl downloads nothing.
  KWOK_ETCD_VERSION="$etcd_version" kwokctl create cluster \
    --config "$STATE/kwokctl.yaml" \
    --runtime binary \
    --etcd-binary "$BIN/etcd" \
    --kube-apiserver-binary "$BIN/kube-apiserver" \
    --kube-controller-manager-binary "$BIN/kube-controller-manager" \
    --kube-scheduler-binary "$BIN/kube-scheduler" \
    --kwok-controller-binary "$BIN/kwok" \
    --kubeconfig "$KCFG" \
    --wait 3m >&2 || { log "kwokctl create cluster failed; component logs:"; dump_logs; down; exit 1; }

  log "waiting for the API server"
  retry 120 k get --raw /readyz || { dump_logs; die "kube-apiserver is not ready"; }
  retry 120 k get serviceaccount default -n default || { dump_logs; die "no default ServiceAccount (controller-manager not working?)"; }

  log "creating $NODES fake nodes, StorageClass $STORAGE_CLASS and static PVs ($PVS)"
  { nodes_yaml; storage_yaml; } | k apply -f - >&2
  k wait --for=condition=Ready node --all --timeout=120s >&2 || { dump_logs; die "nodes did not become Ready"; }
  k wait --for=jsonpath='{.status.phase}'=Available pv -l ticketbuster.e2e/static-pv=true --timeout=60s >/dev/null ||
    die "static PVs did not become Available"
  log "cluster $NAME is up; kubeconfig: $KCFG"
  echo "$KCFG"
}

dump_logs() {
  local c
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller; do
    echo "----- $c (last 20 lines)" >&2
    kwokctl logs "$c" 2>/dev/null | tail -20 >&2 || true
  done
}

recycle_pvs() {
  local pv
  for pv in $(k get pv -l ticketbuster.e2e/static-pv=true -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
    log "recycling $pv"
    k patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >&2
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  kubeconfig) echo "$KCFG" ;;
  status)
    cluster_exists || die "cluster $NAME does not exist"
    kwokctl get components >&2 || true
    k get nodes -o wide
    k get storageclass,pv
    ;;
  recycle-pvs) recycle_pvs ;;
  logs) kwokctl logs "${2:?component}" ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
