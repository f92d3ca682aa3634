/**
 * Loki as the logging add-on runs it: the single binary (every Loki module in one pod, for up to a
 * few tens of GB a day), its chart values and the facts others need (where to push, where to query,
 * where rules go). Pure: components/addons/logging.ts installs the chart with these values.
 */
import type * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "./versions";

/** The Helm release, so every object is named `loki` (the chart's fullname is the release when it holds the chart's name). */
export const LOKI_RELEASE = "loki";
/** Loki's HTTP port: the push API (Fluent Bit), queries and the ruler API (Grafana). */
export const LOKI_HTTP_PORT = 3100;
/** The ruler's gRPC and memberlist ports: the single binary talks to itself through its Services on these. */
export const LOKI_GRPC_PORT = 9095;
export const LOKI_MEMBERLIST_PORT = 7946;
/** In-cluster address of the single binary's Service. */
export const LOKI_URL = `http://${LOKI_RELEASE}.${NAMESPACES.loki}.svc.cluster.local:${LOKI_HTTP_PORT}`;
/** Grafana's datasource uid for Loki (logging.ts provisions it, the dashboard's logs panels name it). */
export const LOKI_DATASOURCE_UID = "loki";
/** The chart's labels on the Loki pod (and only it: the chart's other workloads are off). */
export const LOKI_POD_LABELS = { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": LOKI_RELEASE, "app.kubernetes.io/component": "single-binary" };
/** With auth off Loki has one tenant, `fake`; the local rule store reads `<directory>/<tenant>/*.yaml`. */
const TENANT = "fake";
const RULES_DIRECTORY = "/rules";

/**
 * Where an app's log alert rules go: a ConfigMap in Loki's namespace with these labels, which the chart's
 * rules sidecar (k8s-sidecar, watching its own namespace only) copies into the ruler's directory.
 */
export const LOKI_RULES = { namespace: NAMESPACES.loki, rulesLabels: { loki_rule: "1" } };

/** Where Loki keeps chunks and index: its volume (local), or a bucket reached through workload identity. */
export type LokiStore =
    | { kind: "filesystem" }
    | { kind: "s3"; bucket: pulumi.Input<string>; region: string }
    | { kind: "gcs"; bucket: pulumi.Input<string> };

export interface LokiValuesArgs {
    store: LokiStore;
    retentionDays: number;
    priorityClassName: pulumi.Input<string>;
    /** StorageClass of the volume (WAL, index cache, compactor; and the chunks on a filesystem store); undefined: the cluster's default. */
    storageClass?: pulumi.Input<string>;
    /** The ServiceAccount's annotations: IRSA role or Workload Identity service account on a bucket store. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** Where the ruler sends alerts (kube-prometheus-stack's Alertmanager); none without monitoring. */
    alertmanagerUrl?: string;
}

/** The volume: logs themselves on a filesystem store, only the WAL, index cache and compactor's work on a bucket store. */
export const LOKI_VOLUME_SIZE = "10Gi";
const SIDECAR_RESOURCES = { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } };

/** The values of the grafana-community loki chart (components/addons/versions.ts) for one cluster. */
export function lokiValues(a: LokiValuesArgs): Record<string, unknown> {
    const objectStore = a.store.kind;
    return {
        deploymentMode: "Monolithic",
        loki: {
            // One tenant per cluster: who may push and query is decided by the NetworkPolicies (components/addons/logging-policies.ts).
            auth_enabled: false,
            commonConfig: { replication_factor: 1 },
            // The schema of the chunks written from this date on; never edit a period, append one (Loki's upgrade rule).
            schemaConfig: {
                configs: [{ from: "2024-04-01", store: "tsdb", object_store: objectStore, schema: "v13", index: { prefix: "loki_index_", period: "24h" } }],
            },
            storage: storageValues(a.store),
            // Retention by the compactor: whole days (the index period), deleted retention_delete_delay (2 h) after they expire.
            limits_config: { retention_period: `${a.retentionDays * 24}h` },
            compactor: { retention_enabled: true, delete_request_store: objectStore, working_directory: "/var/loki/compactor" },
            rulerConfig: {
                enable_api: true,
                storage: { type: "local", local: { directory: RULES_DIRECTORY } },
                ...(a.alertmanagerUrl ? { alertmanager_url: a.alertmanagerUrl } : {}),
            },
            // No usage reports to stats.grafana.org (the egress policy would refuse them anyway).
            analytics: { reporting_enabled: false },
        },
        singleBinary: {
            replicas: 1,
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
            persistence: { size: LOKI_VOLUME_SIZE, ...(a.storageClass !== undefined ? { storageClass: a.storageClass } : {}) },
            priorityClassName: a.priorityClassName,
        },
        // The simple-scalable targets default to 3 replicas each; the chart refuses them beside the single binary.
        write: { replicas: 0 },
        read: { replicas: 0 },
        backend: { replicas: 0 },
        serviceAccount: { create: true, name: LOKI_RELEASE, ...(a.serviceAccountAnnotations ? { annotations: a.serviceAccountAnnotations } : {}) },
        // The rules sidecar reads ConfigMaps of Loki's namespace only: a Role there, not a ClusterRole over every Secret.
        rbac: { namespaced: true },
        sidecar: {
            resources: SIDECAR_RESOURCES,
            rules: { label: "loki_rule", labelValue: LOKI_RULES.rulesLabels.loki_rule, folder: `${RULES_DIRECTORY}/${TENANT}`, resource: "configmap" },
        },
        // Off: the nginx gateway (its auth Secret and routing add nothing to one in-cluster tenant), the canary and
        // the Helm test (a hook Pod), the memcached chunks/results caches (StatefulSets asking GiBs of memory, too much
        // for a laptop; the single binary caches in process).
        gateway: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        memcached: { enabled: false },
        memcachedExporter: { enabled: false },
    };
}

function storageValues(store: LokiStore): Record<string, unknown> {
    switch (store.kind) {
        case "filesystem":
            return { type: "filesystem" };
        // Credentials are ambient: the SDK's web identity (IRSA) or the metadata server (Workload Identity).
        case "s3":
            return { type: "s3", bucketNames: { chunks: store.bucket }, s3: { region: store.region } };
        case "gcs":
            return { type: "gcs", bucketNames: { chunks: store.bucket } };
    }
}
