import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { FLUENT_BIT_RELEASE, fluentBitValues } from "./fluent-bit";
import { logAlertRuleFile } from "./log-alerts";
import { LOKI_DATASOURCE_UID, LOKI_RELEASE, LOKI_URL, LokiStore, lokiValues } from "./loki";
import { ALERTMANAGER_PORT, loggingPolicies } from "./logging-policies";
import { chartArgs, CHARTS, NAMESPACES } from "./versions";

type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** kube-prometheus-stack's Alertmanager Service (release `monitoring`, monitoring.ts): where the ruler's alerts go. */
export const ALERTMANAGER_URL = `http://monitoring-kube-prometheus-alertmanager.${NAMESPACES.monitoring}.svc.cluster.local:${ALERTMANAGER_PORT}`;
/** The label kube-prometheus-stack's Grafana datasource sidecar watches for in its own namespace. */
const GRAFANA_DATASOURCE_LABEL = { grafana_datasource: "1" };

export interface LoggingServerArgs {
    retentionDays: number;
    /** The add-ons' PriorityClass (components/addons/priority-classes.ts): Loki and Fluent Bit. */
    priorityClassName: pulumi.Input<string>;
    /** Loki's volume; undefined: the cluster's default class. */
    storageClass?: pulumi.Input<string>;
    store: LokiStore;
    /** Loki's ServiceAccount annotations: the bucket's workload identity. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** What Loki must reach of its bucket. */
    objectStoreEgress?: EgressRule[];
    /** kube-prometheus-stack in this cluster: Grafana gets the Loki datasource (once `dependsOn` exists), the ruler its Alertmanager. */
    monitoring?: { dependsOn: pulumi.Resource[] };
}

export interface LoggingAppArgs {
    /** The app's namespace. */
    namespace: string;
    labels: Record<string, string>;
    /** Where log alert rules go (the platform's Loki namespace and the rules sidecar's label). */
    rules: { namespace: string; rulesLabels: Record<string, string> };
}

export interface LoggingArgs {
    /** Loki and Fluent Bit, on a stack that owns its cluster (all-in-one or platform). */
    server?: LoggingServerArgs;
    /** The app's log alert rules, on a stack that deploys an app (all-in-one or app). */
    app?: LoggingAppArgs;
}

/**
 * Central logs as one stack sees them, like Monitoring. The server: Loki (single binary) in `loki`,
 * Fluent Bit (a DaemonSet) in `fluent-bit`, their NetworkPolicies, and Loki as a Grafana datasource
 * where the stack runs monitoring. The app's part: its log alert rules, a ConfigMap in Loki's
 * namespace that the ruler loads through the chart's rules sidecar. An app stack has only that part,
 * on its platform stack's Loki.
 */
export class Logging extends pulumi.ComponentResource {
    readonly loki?: k8s.helm.v4.Chart;
    readonly fluentBit?: k8s.helm.v4.Chart;
    readonly rules?: k8s.core.v1.ConfigMap;

    constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:Logging", name, {}, opts);
        let rulesOpts: pulumi.CustomResourceOptions = { parent: this };
        if (args.server) {
            const { lokiNs, loki, fluentBit } = this.server(name, args.server);
            [this.loki, this.fluentBit] = [loki, fluentBit];
            rulesOpts = { parent: this, dependsOn: [lokiNs] };
        }
        if (args.app) {
            const { namespace, labels, rules } = args.app;
            this.rules = new k8s.core.v1.ConfigMap(
                `${name}-rules`,
                {
                    metadata: { name: `log-alerts-${namespace}`, namespace: rules.namespace, labels: { ...labels, ...rules.rulesLabels } },
                    // One file per app namespace: the sidecar writes every key of every such ConfigMap into one folder.
                    data: { [`${namespace}.yaml`]: logAlertRuleFile(namespace) },
                },
                rulesOpts,
            );
        }
        this.registerOutputs({});
    }

    private server(name: string, a: LoggingServerArgs) {
        const lokiNs = new k8s.core.v1.Namespace(
            `${name}-loki-ns`,
            { metadata: { name: NAMESPACES.loki, labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" } } },
            { parent: this },
        );
        const fluentBitNs = new k8s.core.v1.Namespace(
            `${name}-fluent-bit-ns`,
            // Fluent Bit reads the node's log files through hostPath volumes, which "baseline" forbids as well as
            // "restricted" (a hostPath reaches the node's filesystem whatever its mode): "privileged" is the only level
            // that admits it. Its container still drops every capability, escalates nothing and has a read-only root.
            { metadata: { name: NAMESPACES.fluentBit, labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
            { parent: this },
        );
        const loki = new k8s.helm.v4.Chart(
            `${name}-loki`,
            {
                ...chartArgs(CHARTS.loki),
                name: LOKI_RELEASE,
                namespace: lokiNs.metadata.name,
                values: lokiValues({
                    store: a.store,
                    retentionDays: a.retentionDays,
                    priorityClassName: a.priorityClassName,
                    storageClass: a.storageClass,
                    serviceAccountAnnotations: a.serviceAccountAnnotations,
                    alertmanagerUrl: a.monitoring ? ALERTMANAGER_URL : undefined,
                }),
            },
            { parent: this, dependsOn: [lokiNs] },
        );
        const fluentBit = new k8s.helm.v4.Chart(
            `${name}-fluent-bit`,
            { ...chartArgs(CHARTS.fluentBit), name: FLUENT_BIT_RELEASE, namespace: fluentBitNs.metadata.name, values: fluentBitValues({ priorityClassName: a.priorityClassName }) },
            { parent: this, dependsOn: [fluentBitNs] },
        );
        loggingPolicies(this, name, { monitoring: a.monitoring !== undefined, objectStoreEgress: a.objectStoreEgress }, { loki: lokiNs, fluentBit: fluentBitNs });
        if (a.monitoring) {
            new k8s.core.v1.ConfigMap(
                `${name}-grafana-datasource`,
                {
                    metadata: { name: "loki-datasource", namespace: NAMESPACES.monitoring, labels: GRAFANA_DATASOURCE_LABEL },
                    data: { "loki-datasource.yaml": stringify(lokiDatasource()) },
                },
                { parent: this, dependsOn: a.monitoring.dependsOn },
            );
        }
        return { lokiNs, loki, fluentBit };
    }
}

/** Grafana's provisioning file for Loki (the datasource sidecar reloads Grafana's datasources when it appears). */
export function lokiDatasource() {
    return {
        apiVersion: 1,
        datasources: [{ name: "Loki", type: "loki", uid: LOKI_DATASOURCE_UID, access: "proxy", url: LOKI_URL, editable: false, jsonData: { maxLines: 1000 } }],
    };
}
