#!/usr/bin/env bash
# Smoke test of the e2e toolchain against a running `cluster.sh up` cluster.
#
#   scripts/e2e/smoke.sh kube     kubectl: Deployment (2 replicas) + ClusterIP Service with
#                                 endpoints, StatefulSet with an e2e-static 20Gi volumeClaimTemplate,
#                                 5Gi PVC, Job that completes; then cleans up and recycles the PVs
#   scripts/e2e/smoke.sh pulumi   pulumi up/destroy of a throwaway TypeScript project (in a temp
#                                 dir, node_modules symlinked from the repo) with a file:// backend:
#                                   - "dynamic": a dynamic-provider ConfigMap (CLI + language host +
#                                     @pulumi/pulumi runtime + plugin launch + API server)
#                                   - "kubernetes": a ConfigMap through new k8s.Provider(...)
#                                     (needs pulumi-resource-kubernetes; skipped with a note if
#                                     absent, or fails if E2E_REQUIRE_K8S_PROVIDER=1)
#   scripts/e2e/smoke.sh all      both (default)
set -euo pipefail

case "${1:-all}" in
  kube | pulumi | all) ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
KCFG="$(bash "$HERE/cluster.sh" kubeconfig)"
[[ -s "$KCFG" ]] || { echo "no cluster: run scripts/e2e/cluster.sh up first" >&2; exit 1; }
BIN="$(bash "$HERE/toolchain.sh" bin-dir)"
export PATH="$BIN:$PATH"
k() { kubectl --kubeconfig "$KCFG" "$@"; }
log() { printf '[smoke %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tb-e2e-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

smoke_kube() {
  local ns=e2e-smoke
  log "kube: applying workloads in namespace $ns"
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $ns}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}], readinessProbe: {httpGet: {path: /, port: 80}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $ns}
spec: {type: ClusterIP, selector: {app: web}, ports: [{port: 80, targetPort: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: $ns}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - {name: pg, image: "postgres:16", volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: e2e-static, accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: cache, namespace: $ns}
spec: {storageClassName: e2e-static, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: $ns}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "busybox:1.36", command: [sh, -c, "echo migrated"]}]
EOF
  k -n "$ns" rollout status deploy/web --timeout=120s >&2
  k -n "$ns" rollout status sts/db --timeout=120s >&2
  k -n "$ns" wait --for=condition=complete job/migrate --timeout=120s >&2
  k -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/cache pvc/data-db-0 --timeout=60s >&2
  local eps
  eps="$(k -n "$ns" get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{.items[*].endpoints[*].addresses[*]}')"
  [[ $(wc -w <<<"$eps") == 2 ]] || { echo "service web has endpoints '$eps', want 2" >&2; return 1; }
  log "kube: OK (service endpoints: $eps)"
  k -n "$ns" get pods,pvc -o wide >&2
  k delete namespace "$ns" --timeout=120s >/dev/null
  bash "$HERE/cluster.sh" recycle-pvs
}

new_project() { # new_project DIR NAME
  mkdir -p "$1"
  ln -s "$REPO/node_modules" "$1/node_modules"
  cat >"$1/Pulumi.yaml" <<EOF
name: $2
runtime:
  name: nodejs
  options:
    typescript: true
EOF
  cat >"$1/package.json" <<EOF
{"name": "$2", "version": "0.0.0", "private": true, "main": "index.ts"}
EOF
  cat >"$1/tsconfig.json" <<'EOF'
{"compilerOptions": {"strict": true, "target": "ES2022", "module": "commonjs", "moduleResolution": "node",
 "types": ["node"], "esModuleInterop": true, "skipLibCheck": true}, "files": ["index.ts"]}
EOF
}

pulumi_cycle() { # pulumi_cycle DIR: up, check output, destroy
  (
    cd "$1"
    pulumi stack init dev --non-interactive >/dev/null
    pulumi config set kubeconfigPath "$KCFG"
    pulumi up --yes --non-interactive --skip-preview >&2
    local uid name
    uid="$(pulumi stack output uid)"
    name="$(pulumi stack output name)"
    if [[ "$(k get configmap "$name" -n default -o jsonpath='{.metadata.uid}')" != "$uid" ]]; then
      echo "ConfigMap $name with uid $uid not found in the cluster" >&2
      exit 1
    fi
    log "pulumi: ConfigMap $name uid=$uid exists in the cluster"
    pulumi destroy --yes --non-interactive --skip-preview >&2
    if k get configmap "$name" -n default >/dev/null 2>&1; then
      echo "ConfigMap $name still exists after pulumi destroy" >&2
      exit 1
    fi
    pulumi stack rm dev --yes --non-interactive >/dev/null
  )
}

smoke_pulumi() {
  export PULUMI_HOME="$WORK/pulumi-home"
  export PULUMI_BACKEND_URL="file://$WORK/state"
  export PULUMI_CONFIG_PASSPHRASE=smoke
  export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  mkdir -p "$WORK/state"
  log "pulumi: $(pulumi version), language host $(command -v pulumi-language-nodejs)"

  new_project "$WORK/dynamic" e2e-smoke-dynamic
  cat >"$WORK/dynamic/index.ts" <<'EOF'
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: any) {
    const cp = require("child_process");
    const manifest = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap",
      metadata: { name: inputs.name, namespace: "default" }, data: inputs.data });
    const obj = JSON.parse(cp.execFileSync("kubectl",
      ["--kubeconfig", inputs.kubeconfig, "create", "-f", "-", "-o", "json"], { input: manifest }).toString());
    return { id: obj.metadata.uid, outs: { ...inputs, uid: obj.metadata.uid } };
  },
  async delete(_id: string, outs: any) {
    require("child_process").execFileSync("kubectl",
      ["--kubeconfig", outs.kubeconfig, "delete", "configmap", outs.name, "-n", "default"]);
  },
};
class KubectlConfigMap extends pulumi.dynamic.Resource {
  declare public readonly uid: pulumi.Output<string>;
  constructor(name: string, args: { kubeconfig: string; name: string; data: Record<string, string> }) {
    super(provider, name, { ...args, uid: undefined }, {});
  }
}
const cfg = new pulumi.Config();
const cm = new KubectlConfigMap("smoke", {
  kubeconfig: cfg.require("kubeconfigPath"), name: "pulumi-smoke-dynamic", data: { hello: "kwok" } });
export const uid = cm.uid;
export const name = "pulumi-smoke-dynamic";
EOF
  pulumi_cycle "$WORK/dynamic"
  log "pulumi (dynamic provider): OK"

  if [[ ! -x "$BIN/pulumi-resource-kubernetes" ]]; then
    log "pulumi (kubernetes provider): SKIPPED, pulumi-resource-kubernetes is not in $BIN (see toolchain.sh)"
    [[ "${E2E_REQUIRE_K8S_PROVIDER:-0}" != 1 ]] || exit 1
    return 0
  fi
  new_project "$WORK/kubernetes" e2e-smoke-kubernetes
  cat >"$WORK/kubernetes/index.ts" <<'EOF'
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

const cfg = new pulumi.Config();
const provider = new k8s.Provider("p", { kubeconfig: fs.readFileSync(cfg.require("kubeconfigPath"), "utf8") });
const cm = new k8s.core.v1.ConfigMap("smoke", {
  metadata: { name: "pulumi-smoke-kubernetes", namespace: "default" },
  data: { hello: "kwok" },
}, { provider });
export const name = cm.metadata.name;
export const uid = cm.metadata.uid;
EOF
  pulumi_cycle "$WORK/kubernetes"
  log "pulumi (kubernetes provider): OK"
}

case "${1:-all}" in
  kube) smoke_kube ;;
  pulumi) smoke_pulumi ;;
  all) smoke_kube; smoke_pulumi ;;
esac
log "all requested smoke tests passed"
