import type * as pulumi from "@pulumi/pulumi";
import type { LoggingArgs, LoggingServerArgs } from "../components/addons/logging";
import { LOKI_DATASOURCE_UID, LOKI_HTTP_PORT, LOKI_RELEASE, LOKI_RULES } from "../components/addons/loki";
import { NAMESPACES } from "../components/addons/versions";
import type { StackConfig } from "../config";
import type { Platform } from "./platform";

/**
 * The logging add-on as this stack runs it: Loki and Fluent Bit where the stack owns the cluster and turned it on
 * (program.ts creates them, target-independent but for Loki's store), the app's log alert rules wherever the stack
 * deploys an app on a cluster that runs logging.
 */
export function loggingArgs(cfg: StackConfig, platform: Platform, beside: { labels?: Record<string, string>; grafana?: pulumi.Resource }): LoggingArgs {
    const server: LoggingServerArgs | undefined =
        cfg.target !== undefined && cfg.addons.logs
            ? {
                  retentionDays: cfg.addons.logs.retentionDays,
                  priorityClassName: platform.priorityClasses.addons,
                  storageClass: platform.storageClass,
                  ...lokiStore(platform, cfg.addons.logs.retentionDays, cfg.protectData),
                  monitoring: beside.grafana ? { dependsOn: [beside.grafana] } : undefined,
              }
            : undefined;
    const app =
        cfg.app && beside.labels && platform.installed.logging
            ? { namespace: cfg.app.namespace, labels: beside.labels, rules: platform.logging ?? LOKI_RULES }
            : undefined;
    return { server, app };
}

/**
 * Loki's volume on a local cluster; on EKS and GKE a bucket of the target's (S3 through IRSA, GCS through Workload
 * Identity) that only Loki's ServiceAccount may use. The bucket's lifecycle is a backstop two days behind Loki's own
 * retention: the compactor deletes first, and an index table it still rewrites is never expired under it.
 */
function lokiStore(platform: Platform, retentionDays: number, protect: boolean): Pick<LoggingServerArgs, "store" | "serviceAccountAnnotations" | "objectStoreEgress"> {
    if (platform.kind === "local") return { store: { kind: "filesystem" } };
    if (!platform.workloadBucket) throw new Error(`the ${platform.target} platform offers no workload bucket for Loki`);
    const bucket = platform.workloadBucket({
        name: "loki",
        serviceAccount: { namespace: NAMESPACES.loki, name: LOKI_RELEASE },
        retentionDays: retentionDays + 2,
        protect,
        // The compactor deletes expired chunks and rewrites index tables.
        deleteObjects: true,
    });
    const store: LoggingServerArgs["store"] =
        bucket.location.kind === "s3" ? { kind: "s3", bucket: bucket.bucket, region: bucket.location.region } : { kind: "gcs", bucket: bucket.bucket };
    return { store, serviceAccountAnnotations: bucket.serviceAccountAnnotations, objectStoreEgress: bucket.egress };
}

/** How to open the logs: Grafana's Explore on the stack's namespace (with monitoring), else Loki's API through a port-forward. */
export function loggingAccess(cfg: StackConfig, monitoring: boolean): string {
    const query = cfg.app ? `{namespace="${cfg.app.namespace}"}` : `{namespace=~".+"}`;
    if (!monitoring) {
        return (
            `kubectl port-forward -n ${NAMESPACES.loki} svc/${LOKI_RELEASE} ${LOKI_HTTP_PORT}:${LOKI_HTTP_PORT}, then ` +
            `curl -sG http://localhost:${LOKI_HTTP_PORT}/loki/api/v1/query_range --data-urlencode 'query=${query}'`
        );
    }
    const host = cfg.target !== undefined ? cfg.addons.grafanaHost : undefined;
    const panes = { a: { datasource: LOKI_DATASOURCE_UID, queries: [{ refId: "A", expr: query, datasource: { type: "loki", uid: LOKI_DATASOURCE_UID } }], range: { from: "now-1h", to: "now" } } };
    const explore = `/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
    return host ? `http://${host}${explore}` : `http://localhost:3000${explore} (after: kubectl port-forward -n monitoring svc/monitoring-grafana 3000:80)`;
}
