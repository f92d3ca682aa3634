import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppSpec, StoreTier } from "../../apps/types";
import { hostOf, isStateless, isStore, servicePortOf } from "../../apps/wiring";
import { restrictedContainer, restrictedPod, selectorFor } from "../pod";
import { appAlerts } from "./alerts";
import { appDashboard } from "./dashboard";
import { IMAGES, NAMESPACES } from "./versions";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Monitor = k8s.apiextensions.CustomResource;

/** Prometheus (and so every scrape) runs in the monitoring namespace: the peer the app's policies admit. */
export const SCRAPERS: Peer[] = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NAMESPACES.monitoring } } }];

const MONITORING_API = "monitoring.coreos.com/v1";
const POSTGRES_EXPORTER_PORT = 9187;
/** RabbitMQ's built-in rabbitmq_prometheus plugin (on in the official image). */
const RABBITMQ_PROMETHEUS_PORT = 15692;
/** The nobody user of the exporter's busybox-based image. */
const EXPORTER_UID = 65534;

export interface AppMonitorsArgs {
    app: AppSpec;
    /** The app's namespace. */
    namespace: string;
    labels: Record<string, string>;
    /** The cluster runs the logging add-on: the dashboard gets a logs panel per tier. */
    logs?: boolean;
}

/**
 * What makes an app visible to the monitoring server, as children of `parent` (the Monitoring
 * component): the dashboard in `monitoring`, a ServiceMonitor per tier that declares metrics, the
 * PostgreSQL exporter and RabbitMQ's PodMonitor, and the seed's alert rules. Monitors and rules wait
 * for `afterCrds` (the server's chart, where this stack installs it); the dashboard for `inMonitoring`.
 */
export function appMonitors(
    parent: pulumi.Resource,
    name: string,
    args: AppMonitorsArgs,
    opts: { afterCrds: pulumi.CustomResourceOptions; inMonitoring: pulumi.CustomResourceOptions },
): Monitor[] {
    const { app, namespace, labels } = args;
    const { afterCrds, inMonitoring } = opts;
    const monitors: Monitor[] = [];
    new k8s.core.v1.ConfigMap(
        `${name}-dashboard`,
        {
            metadata: { name: `${app.name}-dashboard`, namespace: NAMESPACES.monitoring, labels: { ...labels, grafana_dashboard: "1" } },
            data: { [`${app.name}.json`]: JSON.stringify(appDashboard(app.name, namespace, args.logs ? app.tiers.map((t) => t.name) : undefined)) },
        },
        inMonitoring,
    );

    for (const tier of app.tiers.filter(isStateless)) {
        if (!tier.metrics) continue;
        monitors.push(
            monitor(`${name}-${tier.name}`, "ServiceMonitor", namespace, tier.name, labels, {
                selector: { matchLabels: selectorFor(tier.name) },
                endpoints: [{ port: tier.metrics.port, path: tier.metrics.path, interval: "30s" }],
            }, afterCrds),
        );
    }
    for (const store of app.tiers.filter(isStore)) {
        if (store.kind === "postgres" && store.credentials) postgresExporter(parent, name, store, args, afterCrds, monitors);
        if (store.kind === "rabbitmq") rabbitmqMetrics(parent, name, store, args, afterCrds, monitors);
    }

    monitors.push(
        new k8s.apiextensions.CustomResource(
            `${name}-alerts`,
            {
                apiVersion: MONITORING_API,
                kind: "PrometheusRule",
                metadata: { name: `${app.name}-alerts`, namespace, labels },
                spec: { groups: [{ name: `${app.name}.rules`, rules: appAlerts(namespace) }] },
            },
            afterCrds,
        ),
    );
    return monitors;
}

function monitor(
    name: string,
    kind: "ServiceMonitor" | "PodMonitor",
    namespace: string,
    target: string,
    labels: Record<string, string>,
    spec: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
) {
    return new k8s.apiextensions.CustomResource(
        name,
        { apiVersion: MONITORING_API, kind, metadata: { name: target, namespace, labels }, spec },
        opts,
    );
}

/** prometheus-community's postgres_exporter, as the store's own user; reaches only its database. */
function postgresExporter(parent: pulumi.Resource, name: string, db: StoreTier<string>, args: AppMonitorsArgs, opts: pulumi.CustomResourceOptions, monitors: Monitor[]) {
    const exporter = `${db.name}-exporter`;
    const { namespace, labels } = args;
    const meta = { name: exporter, namespace, labels: { ...labels, app: exporter, "app.kubernetes.io/name": exporter, "app.kubernetes.io/component": "metrics" } };
    const secret = db.credentials!.secretName;
    const fromSecret = (envName: string, key: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: secret, key } } });
    new k8s.apps.v1.Deployment(
        `${name}-${exporter}`,
        {
            metadata: meta,
            spec: {
                replicas: 1,
                selector: { matchLabels: selectorFor(exporter) },
                template: {
                    metadata: { labels: meta.labels },
                    spec: {
                        automountServiceAccountToken: false,
                        securityContext: restrictedPod(EXPORTER_UID),
                        containers: [
                            {
                                name: "postgres-exporter",
                                image: IMAGES.postgresExporter,
                                env: [
                                    { name: "DATA_SOURCE_URI", value: `${hostOf(db)}:${servicePortOf(db.ports[0])}/${db.database ?? "postgres"}?sslmode=disable` },
                                    fromSecret("DATA_SOURCE_USER", "username"),
                                    fromSecret("DATA_SOURCE_PASS", "password"),
                                ],
                                ports: [{ name: "metrics", containerPort: POSTGRES_EXPORTER_PORT, protocol: "TCP" }],
                                readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10 },
                                livenessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 20, failureThreshold: 6 },
                                resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
                                securityContext: restrictedContainer(),
                            },
                        ],
                    },
                },
            },
        },
        { parent },
    );
    new k8s.core.v1.Service(
        `${name}-${exporter}`,
        {
            metadata: { ...meta, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: { selector: selectorFor(exporter), ports: [{ name: "metrics", port: POSTGRES_EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }] },
        },
        { parent },
    );
    monitors.push(
        monitor(`${name}-${exporter}-monitor`, "ServiceMonitor", namespace, exporter, args.labels, {
            selector: { matchLabels: selectorFor(exporter) },
            endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
        }, opts),
    );
    const dbPort = db.ports[0].port;
    policy(parent, `${name}-${exporter}-policy`, `allow-${exporter}`, namespace, {
        podSelector: { matchLabels: selectorFor(exporter) },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: SCRAPERS, ports: [{ protocol: "TCP", port: POSTGRES_EXPORTER_PORT }] }],
        egress: [{ to: [{ podSelector: { matchLabels: selectorFor(db.name) } }], ports: [{ protocol: "TCP", port: dbPort }] }],
    });
    policy(parent, `${name}-${db.name}-from-exporter`, `allow-to-${db.name}-from-exporter`, namespace, {
        podSelector: { matchLabels: selectorFor(db.name) },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: selectorFor(exporter) } }], ports: [{ protocol: "TCP", port: dbPort }] }],
    });
}

/** RabbitMQ serves Prometheus metrics itself (rabbitmq_prometheus): a PodMonitor on its port 15692. */
function rabbitmqMetrics(parent: pulumi.Resource, name: string, mq: StoreTier<string>, args: AppMonitorsArgs, opts: pulumi.CustomResourceOptions, monitors: Monitor[]) {
    monitors.push(
        monitor(`${name}-${mq.name}-monitor`, "PodMonitor", args.namespace, mq.name, args.labels, {
            selector: { matchLabels: selectorFor(mq.name) },
            podMetricsEndpoints: [{ portNumber: RABBITMQ_PROMETHEUS_PORT, path: "/metrics", interval: "30s" }],
        }, opts),
    );
    policy(parent, `${name}-${mq.name}-scrape`, `allow-scrape-${mq.name}`, args.namespace, {
        podSelector: { matchLabels: selectorFor(mq.name) },
        policyTypes: ["Ingress"],
        ingress: [{ from: SCRAPERS, ports: [{ protocol: "TCP", port: RABBITMQ_PROMETHEUS_PORT }] }],
    });
}

function policy(parent: pulumi.Resource, name: string, policyName: string, namespace: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) {
    new k8s.networking.v1.NetworkPolicy(name, { metadata: { name: policyName, namespace }, spec }, { parent });
}
