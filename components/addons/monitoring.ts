import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppSpec, StoreTier } from "../../apps/types";
import { hostOf, isStateless, isStore, servicePortOf } from "../../apps/wiring";
import { Gateway, HTTPRoute } from "../gateway-api";
import { restrictedContainer, restrictedPod, selectorFor } from "../pod";
import { appAlerts } from "./alerts";
import { appDashboard } from "./dashboard";
import { chartArgs, CHARTS, IMAGES, NAMESPACES } from "./versions";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** Prometheus (and so every scrape) runs in the monitoring namespace: the peer the app's policies admit. */
export const SCRAPERS: Peer[] = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NAMESPACES.monitoring } } }];

const MONITORING_API = "monitoring.coreos.com/v1";
const POSTGRES_EXPORTER_PORT = 9187;
/** RabbitMQ's built-in rabbitmq_prometheus plugin (on in the official image). */
const RABBITMQ_PROMETHEUS_PORT = 15692;
/** The nobody user of the exporter's busybox-based image. */
const EXPORTER_UID = 65534;

export interface MonitoringArgs {
    app: AppSpec;
    /** The app's namespace (already created; the component waits for it through its dependsOn). */
    namespace: string;
    grafanaAdminPassword: pulumi.Input<string>;
    /** The add-ons' PriorityClass (components/addons/priority-classes.ts), for the chart's long-running pods. */
    priorityClassName: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Grafana on the routes' controller at this host; without it, port-forward (see README). */
    grafanaRoute?: { host: string; routing: "gateway" | "ingress"; className: string; listenerPort: number };
}

/**
 * kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the operator) in `monitoring`, and in the
 * app's namespace what makes the app visible to it: a ServiceMonitor per tier that declares metrics,
 * the stores' exporters, the seed's alert rules and a dashboard Grafana's sidecar loads.
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly chart: k8s.helm.v4.Chart;
    readonly serviceMonitors: k8s.apiextensions.CustomResource[] = [];
    readonly rule: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:Monitoring", name, {}, opts);
        const parent = this;
        const { app, namespace, labels } = args;

        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            // node-exporter reads the host (hostPID, hostNetwork): the namespace cannot be "restricted".
            { metadata: { name: NAMESPACES.monitoring, labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
            { parent },
        );
        const inMonitoring = { parent, dependsOn: [ns] };
        const admin = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            {
                metadata: { name: "grafana-admin", namespace: ns.metadata.name },
                type: "Opaque",
                stringData: { "admin-user": "admin", "admin-password": pulumi.secret(args.grafanaAdminPassword) },
            },
            inMonitoring,
        );
        // Every long-running pod of the chart and its subcharts (the keys their templates read; several are only
        // commented out in the values.yaml files). The admission webhook's one-shot patch Jobs keep the default.
        const priorityClassName = args.priorityClassName;
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                ...chartArgs(CHARTS.kubePrometheusStack),
                namespace: ns.metadata.name,
                values: {
                    // Pick up every ServiceMonitor, PodMonitor and PrometheusRule, not only the chart's release label.
                    prometheus: {
                        prometheusSpec: {
                            serviceMonitorSelectorNilUsesHelmValues: false,
                            podMonitorSelectorNilUsesHelmValues: false,
                            ruleSelectorNilUsesHelmValues: false,
                            retention: "7d",
                            priorityClassName,
                        },
                    },
                    alertmanager: { alertmanagerSpec: { priorityClassName } },
                    prometheusOperator: { priorityClassName },
                    "kube-state-metrics": { priorityClassName },
                    // Docker Desktop's node has no shared mount propagation for `/`; the root fs metrics are not worth it.
                    "prometheus-node-exporter": { hostRootFsMount: { enabled: false }, priorityClassName },
                    grafana: {
                        admin: { existingSecret: admin.metadata.name, userKey: "admin-user", passwordKey: "admin-password" },
                        sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
                        priorityClassName,
                    },
                },
            },
            { parent, dependsOn: [ns, admin] },
        );
        const afterCrds = { parent, dependsOn: [this.chart] };

        new k8s.core.v1.ConfigMap(
            `${name}-dashboard`,
            {
                metadata: { name: `${app.name}-dashboard`, namespace: ns.metadata.name, labels: { ...labels, grafana_dashboard: "1" } },
                data: { [`${app.name}.json`]: JSON.stringify(appDashboard(app.name, namespace)) },
            },
            inMonitoring,
        );

        for (const tier of app.tiers.filter(isStateless)) {
            if (!tier.metrics) continue;
            this.serviceMonitors.push(
                this.monitor(`${name}-${tier.name}`, "ServiceMonitor", namespace, tier.name, labels, {
                    selector: { matchLabels: selectorFor(tier.name) },
                    endpoints: [{ port: tier.metrics.port, path: tier.metrics.path, interval: "30s" }],
                }, afterCrds),
            );
        }
        for (const store of app.tiers.filter(isStore)) {
            if (store.kind === "postgres" && store.credentials) this.postgresExporter(name, store, args, afterCrds);
            if (store.kind === "rabbitmq") this.rabbitmqMetrics(name, store, args, afterCrds);
        }

        this.rule = new k8s.apiextensions.CustomResource(
            `${name}-alerts`,
            {
                apiVersion: MONITORING_API,
                kind: "PrometheusRule",
                metadata: { name: `${app.name}-alerts`, namespace, labels },
                spec: { groups: [{ name: `${app.name}.rules`, rules: appAlerts(namespace) }] },
            },
            afterCrds,
        );

        if (args.grafanaRoute) this.grafanaRoute(name, args.grafanaRoute, ns.metadata.name, afterCrds);
        this.registerOutputs({});
    }

    private monitor(
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
    private postgresExporter(name: string, db: StoreTier<string>, args: MonitoringArgs, opts: pulumi.CustomResourceOptions) {
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
                                    resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                                    securityContext: restrictedContainer(),
                                },
                            ],
                        },
                    },
                },
            },
            { parent: this },
        );
        new k8s.core.v1.Service(
            `${name}-${exporter}`,
            {
                metadata: { ...meta, annotations: { "pulumi.com/skipAwait": "true" } },
                spec: { selector: selectorFor(exporter), ports: [{ name: "metrics", port: POSTGRES_EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }] },
            },
            { parent: this },
        );
        this.serviceMonitors.push(
            this.monitor(`${name}-${exporter}-monitor`, "ServiceMonitor", namespace, exporter, args.labels, {
                selector: { matchLabels: selectorFor(exporter) },
                endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
            }, opts),
        );
        const dbPort = db.ports[0].port;
        this.policy(`${name}-${exporter}-policy`, `allow-${exporter}`, namespace, {
            podSelector: { matchLabels: selectorFor(exporter) },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: SCRAPERS, ports: [{ protocol: "TCP", port: POSTGRES_EXPORTER_PORT }] }],
            egress: [{ to: [{ podSelector: { matchLabels: selectorFor(db.name) } }], ports: [{ protocol: "TCP", port: dbPort }] }],
        });
        this.policy(`${name}-${db.name}-from-exporter`, `allow-to-${db.name}-from-exporter`, namespace, {
            podSelector: { matchLabels: selectorFor(db.name) },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: { matchLabels: selectorFor(exporter) } }], ports: [{ protocol: "TCP", port: dbPort }] }],
        });
    }

    /** RabbitMQ serves Prometheus metrics itself (rabbitmq_prometheus): a PodMonitor on its port 15692. */
    private rabbitmqMetrics(name: string, mq: StoreTier<string>, args: MonitoringArgs, opts: pulumi.CustomResourceOptions) {
        this.serviceMonitors.push(
            this.monitor(`${name}-${mq.name}-monitor`, "PodMonitor", args.namespace, mq.name, args.labels, {
                selector: { matchLabels: selectorFor(mq.name) },
                podMetricsEndpoints: [{ portNumber: RABBITMQ_PROMETHEUS_PORT, path: "/metrics", interval: "30s" }],
            }, opts),
        );
        this.policy(`${name}-${mq.name}-scrape`, `allow-scrape-${mq.name}`, args.namespace, {
            podSelector: { matchLabels: selectorFor(mq.name) },
            policyTypes: ["Ingress"],
            ingress: [{ from: SCRAPERS, ports: [{ protocol: "TCP", port: RABBITMQ_PROMETHEUS_PORT }] }],
        });
    }

    private policy(name: string, policyName: string, namespace: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) {
        new k8s.networking.v1.NetworkPolicy(name, { metadata: { name: policyName, namespace }, spec }, { parent: this });
    }

    /** Grafana (the chart's `<release>-grafana` Service, port 80) on the route controller, in its own namespace. */
    private grafanaRoute(name: string, r: NonNullable<MonitoringArgs["grafanaRoute"]>, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions) {
        const service = `${name}-grafana`;
        if (r.routing === "ingress") {
            new k8s.networking.v1.Ingress(
                `${name}-grafana`,
                {
                    metadata: { name: "grafana", namespace },
                    spec: {
                        ingressClassName: r.className,
                        rules: [{ host: r.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port: { number: 80 } } } }] } }],
                    },
                },
                opts,
            );
            return;
        }
        const gateway = new Gateway(
            `${name}-grafana`,
            {
                metadata: { name: "grafana", namespace },
                spec: { gatewayClassName: r.className, listeners: [{ name: "http", protocol: "HTTP", port: r.listenerPort, hostname: r.host }] },
            },
            opts,
        );
        new HTTPRoute(
            `${name}-grafana`,
            {
                metadata: { name: "grafana", namespace },
                spec: {
                    parentRefs: [{ name: gateway.metadata.name }],
                    hostnames: [r.host],
                    rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: service, port: 80 }] }],
                },
            },
            opts,
        );
    }
}
