import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Gateway, HTTPRoute } from "../gateway-api";
import { annotationsOf, gatewayListeners, gatewayTls, HostTlsFactory, ingressTls, redirectRoute } from "../host-tls";
import { AppMonitorsArgs, appMonitors } from "./app-monitors";
import { ClusterMonitors, clusterMonitorValues } from "./cluster-monitors";
import { chartArgs, CHARTS, NAMESPACES } from "./versions";

export { SCRAPERS } from "./app-monitors";

/** Grafana on the routes' controller at this host; without it, port-forward (see README). */
export interface GrafanaRoute {
    host: string;
    routing: "gateway" | "ingress";
    className: string;
    listenerPort: number;
    /** The target's Ingress annotations (e.g. the ALB's scheme and target type). */
    ingressAnnotations?: Record<string, string>;
    /** HTTPS for the host, as for the app's routes; left out, plain HTTP. */
    tls?: HostTlsFactory;
    /** Annotations of the route objects (e.g. that plain HTTP was chosen). */
    annotations?: Record<string, string>;
}

export interface MonitoringArgs {
    /** The monitoring server, on a stack that owns its cluster (all-in-one or platform). */
    server?: {
        grafanaAdminPassword: pulumi.Input<string>;
        grafanaRoute?: GrafanaRoute;
        /** The cluster-component monitors the target can serve (CLUSTER_MONITORS[target]). */
        clusterMonitors: ClusterMonitors;
        /** The add-ons' PriorityClass (components/addons/priority-classes.ts), for the chart's long-running pods. */
        priorityClassName: pulumi.Input<string>;
    };
    /** What makes an app visible to the server, on a stack that deploys an app (all-in-one or app). */
    app?: AppMonitorsArgs;
}

/**
 * Monitoring as one stack sees it. The server: kube-prometheus-stack (Prometheus, Alertmanager,
 * Grafana, the operator) in `monitoring`, and Grafana's route. The app's part (app-monitors.ts): a
 * ServiceMonitor per tier that declares metrics, the stores' exporters, the seed's alert rules and a
 * dashboard Grafana's sidecar loads. An all-in-one stack has both; a platform stack the server; an app
 * stack its app's part, on its platform stack's server.
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly chart?: k8s.helm.v4.Chart;
    readonly monitors: k8s.apiextensions.CustomResource[] = [];

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:Monitoring", name, {}, opts);
        const parent = this;
        let afterCrds: pulumi.CustomResourceOptions = { parent };
        let inMonitoring: pulumi.CustomResourceOptions = { parent };
        if (args.server) {
            const { ns, chart } = this.server(name, args.server);
            this.chart = chart;
            afterCrds = { parent, dependsOn: [chart] };
            inMonitoring = { parent, dependsOn: [ns] };
            if (args.server.grafanaRoute) this.grafanaRoute(name, args.server.grafanaRoute, ns.metadata.name, afterCrds);
        }
        if (args.app) this.monitors = appMonitors(parent, name, args.app, { afterCrds, inMonitoring });
        this.registerOutputs({});
    }

    /** The namespace, Grafana's admin Secret and the chart. */
    private server(name: string, { grafanaAdminPassword, clusterMonitors, priorityClassName }: NonNullable<MonitoringArgs["server"]>) {
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            // node-exporter reads the host (hostPID, hostNetwork): the namespace cannot be "restricted".
            { metadata: { name: NAMESPACES.monitoring, labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
            { parent: this },
        );
        const admin = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            {
                metadata: { name: "grafana-admin", namespace: ns.metadata.name },
                type: "Opaque",
                stringData: { "admin-user": "admin", "admin-password": pulumi.secret(grafanaAdminPassword) },
            },
            { parent: this, dependsOn: [ns] },
        );
        // The add-ons' priority for every long-running pod of the chart and its subcharts (the keys their templates
        // read; several are only commented out in the values.yaml files).
        const chart = new k8s.helm.v4.Chart(
            name,
            {
                ...chartArgs(CHARTS.kubePrometheusStack),
                namespace: ns.metadata.name,
                values: {
                    prometheusOperator: {
                        // helm.v4.Chart applies no Helm hooks, and the chart makes the webhook certificate's Secret
                        // (<release>-kube-prometheus-admission) only in a pre-install hook Job; with TLS on, the operator
                        // pod mounts that Secret and never starts. Without the webhooks the API server accepts a malformed
                        // PrometheusRule and the operator skips it (its log says why); the operator's own port is in-cluster
                        // plain HTTP. (With cert-manager in the program, admissionWebhooks.certManager can provide the
                        // certificate instead.)
                        admissionWebhooks: { enabled: false },
                        tls: { enabled: false },
                        priorityClassName,
                    },
                    // Control-plane monitors only where the target exposes the component (cluster-monitors.ts).
                    ...clusterMonitorValues(clusterMonitors),
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
            { parent: this, dependsOn: [ns, admin] },
        );
        return { ns, chart };
    }

    /** Grafana (the chart's `<release>-grafana` Service, port 80) on the route controller, in its own namespace. */
    private grafanaRoute(name: string, r: GrafanaRoute, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions) {
        const service = `${name}-grafana`;
        const meta = { name: "grafana", namespace, ...annotationsOf(r.annotations) };
        const labels = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/component": "routes" };
        const tls = r.tls?.({ name: "grafana", host: r.host, namespace, routing: r.routing, routeName: "grafana", services: [service], labels, parent: this });
        const withTls = tls ? { ...opts, dependsOn: [...((opts.dependsOn as pulumi.Resource[]) ?? []), ...tls.dependsOn] } : opts;
        if (r.routing === "ingress") {
            const extras = ingressTls(tls);
            const ingress = new k8s.networking.v1.Ingress(
                `${name}-grafana`,
                {
                    metadata: { ...meta, ...annotationsOf(r.ingressAnnotations, extras.annotations, r.annotations) },
                    spec: {
                        ingressClassName: r.className,
                        ...extras.spec,
                        rules: [{ host: r.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port: { number: 80 } } } }] } }],
                    },
                },
                withTls,
            );
            tls?.publish?.({ ingress });
            return;
        }
        const extras = gatewayTls(tls);
        const gateway = new Gateway(
            `${name}-grafana`,
            {
                metadata: { ...meta, ...annotationsOf(r.annotations, extras.annotations) },
                spec: { gatewayClassName: r.className, listeners: gatewayListeners(r.host, r.listenerPort, tls), ...extras.spec },
            },
            withTls,
        );
        if (tls) redirectRoute(`${name}-grafana-redirect`, { ...meta, name: "grafana-redirect" }, gateway.metadata.name, r.host, opts);
        new HTTPRoute(
            `${name}-grafana`,
            {
                metadata: meta,
                spec: {
                    // Without TLS the route attaches to the one listener (as before HTTPS existed); with it, to HTTPS only.
                    parentRefs: [{ name: gateway.metadata.name, ...(tls ? { sectionName: "https" } : {}) }],
                    hostnames: [r.host],
                    rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: service, port: 80 }] }],
                },
            },
            opts,
        );
        tls?.publish?.({ gateway });
    }
}
