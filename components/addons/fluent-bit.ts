/**
 * Fluent Bit as the logging add-on runs it: a DaemonSet that tails every container's log file on its
 * node, adds the pod's Kubernetes metadata, parses JSON lines into fields and ships to Loki through a
 * bounded filesystem buffer. Pure: components/addons/logging.ts installs the chart with these values.
 */
import type * as pulumi from "@pulumi/pulumi";
import { LOKI_HTTP_PORT, LOKI_RELEASE } from "./loki";
import { NAMESPACES } from "./versions";

/** The Helm release, so the DaemonSet, its ServiceAccount and ClusterRole are named `fluent-bit`. */
export const FLUENT_BIT_RELEASE = "fluent-bit";
/** The chart's labels on the DaemonSet's pods. */
export const FLUENT_BIT_POD_LABELS = { "app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": FLUENT_BIT_RELEASE };
/** The HTTP server: metrics and the probes' endpoints. */
export const FLUENT_BIT_HTTP_PORT = 2020;

/** Where Fluent Bit keeps its state on the node (tail offsets, buffered chunks): survives pod restarts, so nothing is re-read or lost. */
export const STATE_DIR = "/var/lib/fluent-bit";
/**
 * The bounds of what a Loki outage can cost a node. Each chunk is retried at most RETRY_LIMIT times with backoff from
 * 5 s up to 5 min (about 25 minutes in all), then dropped; the chunks waiting on disk never exceed BUFFER_LIMIT (the
 * oldest go first), so a long outage loses the oldest logs and never fills the node's disk.
 */
export const BUFFER_LIMIT = "256M";
export const RETRY_LIMIT = 10;

/** Loki stream labels: few and of low cardinality (pod is the exception Grafana's log browser expects). */
export const STREAM_LABELS: Record<string, string> = {
    namespace: "$kubernetes['namespace_name']",
    pod: "$kubernetes['pod_name']",
    container: "$kubernetes['container_name']",
    app: "$kubernetes['labels']['app.kubernetes.io/name']",
    part_of: "$kubernetes['labels']['app.kubernetes.io/part-of']",
    stream: "$stream",
};

const service = `[SERVICE]
    Daemon Off
    Flush 1
    Log_Level info
    Parsers_File /fluent-bit/etc/parsers.conf
    HTTP_Server On
    HTTP_Listen 0.0.0.0
    HTTP_Port ${FLUENT_BIT_HTTP_PORT}
    Health_Check On
    storage.path ${STATE_DIR}/buffer
    storage.sync normal
    storage.backlog.mem_limit 16M
    scheduler.base 5
    scheduler.cap 300
`;

/**
 * Every container log of the node, except Fluent Bit's own (its namespace: shipping them would feed its own errors back
 * to it). CRI (containerd: EKS, GKE) and Docker's JSON files (Docker Desktop, through cri-dockerd) alike.
 */
const inputs = `[INPUT]
    Name tail
    Path /var/log/containers/*.log
    Exclude_Path /var/log/containers/*_${NAMESPACES.fluentBit}_*.log
    multiline.parser docker, cri
    Tag kube.*
    DB ${STATE_DIR}/tail.db
    DB.locking true
    Skip_Long_Lines On
    Refresh_Interval 10
    Rotate_Wait 30
    storage.type filesystem
`;

/**
 * First the runtime's own fields the event already carries: its timestamp string (parsed into the event's time) and
 * CRI's partial-line flag. Then the pod's namespace, name, container and labels from the API server (cached per pod);
 * a line that is a JSON object is parsed into the record's fields (Merge_Log) and its raw text dropped. A pod annotated
 * fluentbit.io/exclude: "true" is left out.
 */
const filters = `[FILTER]
    Name record_modifier
    Match kube.*
    Remove_key time
    Remove_key _p

[FILTER]
    Name kubernetes
    Match kube.*
    Kube_URL https://kubernetes.default.svc:443
    Merge_Log On
    Merge_Log_Trim On
    Keep_Log Off
    Labels On
    Annotations Off
    K8S-Logging.Parser Off
    K8S-Logging.Exclude On
    Buffer_Size 256k
`;

/**
 * To Loki's push API with the stream labels. The keys a label reads leave the line, and so does the metadata: what is
 * left is the app's JSON fields as a JSON line, or a plain text line as it was written (its one key, `log`, unquoted).
 */
const outputs = `[OUTPUT]
    Name loki
    Match kube.*
    Host ${LOKI_RELEASE}.${NAMESPACES.loki}.svc.cluster.local
    Port ${LOKI_HTTP_PORT}
    Labels ${Object.entries(STREAM_LABELS)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}
    Remove_Keys kubernetes
    Line_Format json
    Drop_Single_Key raw
    Retry_Limit ${RETRY_LIMIT}
    storage.total_limit_size ${BUFFER_LIMIT}
`;

/** The Fluent Bit configuration files as the chart writes them into its ConfigMap. */
export const FLUENT_BIT_CONFIG = { service, inputs, filters, outputs };

export interface FluentBitValuesArgs {
    priorityClassName: pulumi.Input<string>;
}

/** The values of the fluent/helm-charts fluent-bit chart (components/addons/versions.ts). */
export function fluentBitValues(a: FluentBitValuesArgs): Record<string, unknown> {
    return {
        kind: "DaemonSet",
        // Its Kubernetes filter reads pods and namespaces (get/list/watch, the chart's ClusterRole) and nothing else.
        rbac: { create: true, nodeAccess: false, eventsAccess: false },
        serviceAccount: { create: true },
        // The Helm test is a hook Pod (busybox:latest) that helm.v4.Chart never runs.
        testFramework: { enabled: false },
        config: FLUENT_BIT_CONFIG,
        // Read-only host logs; read-write only the state directory (created on first start). Docker Desktop keeps the
        // files /var/log/pods links to under /var/lib/docker/containers.
        daemonSetVolumes: [
            { name: "varlog", hostPath: { path: "/var/log" } },
            { name: "varlibdockercontainers", hostPath: { path: "/var/lib/docker/containers" } },
            { name: "state", hostPath: { path: STATE_DIR, type: "DirectoryOrCreate" } },
        ],
        daemonSetVolumeMounts: [
            { name: "varlog", mountPath: "/var/log", readOnly: true },
            { name: "varlibdockercontainers", mountPath: "/var/lib/docker/containers", readOnly: true },
            { name: "state", mountPath: STATE_DIR },
        ],
        podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
        // Root, because the kubelet writes the log files root-owned and 0640: root reads them as their owner, without
        // any capability (all dropped). Nothing else of "restricted" is given up: read-only root, no escalation.
        securityContext: {
            runAsUser: 0,
            runAsGroup: 0,
            runAsNonRoot: false,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
        },
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        priorityClassName: a.priorityClassName,
        // Every node's logs, tainted nodes included.
        tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
    };
}
