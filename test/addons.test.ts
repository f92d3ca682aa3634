import { beforeAll, describe, expect, it } from "vitest";
import { appAlerts } from "../components/addons/alerts";
import { CHARTS, IMAGES } from "../components/addons/versions";
import { ADDON_DEFAULTS, addonsOfRawConfig, resolveAddons } from "../config/addons";
import { addonSecretKeys } from "../config/secrets";
import { expectConfigRejected } from "./config-errors";
import { isSecretValue, one, plain, Registered, RunResult, runProgram } from "./harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const charts = (run: RunResult) => run.resources.filter((r) => r.type === CHART);
const chartNamed = (run: RunResult, chart: string): Registered => one(run.resources.filter((r) => r.inputs.chart === chart), CHART);
const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::ticketbuster::${type}::${name}`;
const GRAFANA_PASSWORD = "test-grafana-password-3c1d";

describe("addons config", () => {
    it("defaults per target: metrics-server and gateway on (built in on GKE), monitoring and logging off", () => {
        expect(resolveAddons("local", {}).addons).toEqual({ metricsServer: true, gateway: true, monitoring: false, logging: false });
        expect(resolveAddons("eks", {}).addons).toEqual({ metricsServer: true, gateway: true, monitoring: false, logging: false });
        expect(resolveAddons("gke", {}).addons).toEqual({ metricsServer: false, gateway: true, monitoring: false, logging: false });
        expect(resolveAddons("gke", { metricsServer: false, monitoring: true }).addons).toEqual({ ...ADDON_DEFAULTS.gke, monitoring: true });
    });

    it("needs Grafana's password only with monitoring, and the driver generates it; never the tunnel token", () => {
        expect(addonSecretKeys({ monitoring: false })).toEqual([]);
        expect(addonSecretKeys({ monitoring: true })).toEqual([{ key: "grafanaAdminPassword", generate: true }]);
    });

    it("reads the add-ons from raw stack config for the driver (undefined when invalid)", () => {
        expect(addonsOfRawConfig(undefined, undefined)).toEqual(ADDON_DEFAULTS.local);
        expect(addonsOfRawConfig("eks", '{"monitoring":true}')).toEqual({ ...ADDON_DEFAULTS.eks, monitoring: true });
        expect(addonsOfRawConfig("gke", '{"metricsServer":true}')).toBeUndefined();
        expect(addonsOfRawConfig("local", "{not json")).toBeUndefined();
        expect(addonsOfRawConfig("local", '{"nope":true}')).toBeUndefined();
    });

    for (const c of [
        {
            what: "metrics-server asked for on GKE",
            stack: "gke",
            addons: { metricsServer: true },
            fragments: ["ticketbuster:addons.metricsServer: got true; allowed: false on gke (GKE runs metrics-server itself)"],
        },
        { what: "an unknown key", stack: "dev", addons: { prometheus: true }, fragments: ["ticketbuster:addons.prometheus: unknown key; allowed: metricsServer, gateway, monitoring"] },
        { what: "a non-boolean", stack: "dev", addons: { monitoring: "yes" }, fragments: ["ticketbuster:addons.monitoring: got \"yes\"; allowed: true, false"] },
        { what: "grafanaHost without monitoring", stack: "dev", addons: { grafanaHost: "grafana.local" }, fragments: ["ticketbuster:addons.grafanaHost: got \"grafana.local\"; allowed: only with addons.monitoring true"] },
    ]) {
        it(`refuses ${c.what} with zero resources`, async () => {
            const result = await runProgram({ stack: c.stack, config: { addons: JSON.stringify(c.addons) } });
            expectConfigRejected(result, c.fragments);
        });
    }

    it("refuses monitoring without Grafana's password, naming the key and not a value", async () => {
        const result = await runProgram({ stack: "dev", config: { addons: JSON.stringify({ monitoring: true }) }, secrets: { grafanaAdminPassword: undefined } });
        expectConfigRejected(result, ["ticketbuster:grafanaAdminPassword: got nothing; a secret is required by addons.monitoring"]);
    });
});

describe("local add-ons by default", () => {
    let run: RunResult;
    beforeAll(async () => {
        run = await runProgram({ stack: "dev", config: { app: "proyecto06" } });
        if (run.error) throw run.error;
    });

    it("installs metrics-server (insecure kubelet TLS for Docker Desktop), Traefik and cert-manager (self-signed TLS by default), pinned, and nothing else", () => {
        expect(charts(run).map((c) => `${c.inputs.chart}@${c.inputs.version}`).sort()).toEqual(
            [CHARTS.metricsServer, CHARTS.traefik, CHARTS.certManager].map((c) => `${c.chart}@${c.version}`).sort(),
        );
        const ms = plain(chartNamed(run, "metrics-server").inputs);
        expect(ms.repositoryOpts).toEqual({ repo: "https://kubernetes-sigs.github.io/metrics-server/" });
        expect(ms.values.args).toEqual(["--kubelet-insecure-tls"]);
        for (const c of charts(run)) expect(c.inputs.version).toMatch(/^v?[0-9]+\.[0-9]+\.[0-9]+$/);
    });

    it("configures Traefik for Gateway API and Ingress with the class and port the routes use", () => {
        const t = plain(chartNamed(run, "traefik").inputs);
        expect(t.namespace).toBe("traefik");
        expect(t.values.providers.kubernetesGateway.enabled).toBe(true);
        expect(t.values.providers.kubernetesIngress.enabled).toBe(true);
        expect(t.values.gatewayClass).toEqual({ enabled: true, name: "traefik" });
        expect(t.values.ingressClass.name).toBe("traefik");
        expect(t.values.ports.web.port).toBe(8000);
    });

    it("gives Traefik the seccomp profile its namespace's restricted Pod Security level requires (the chart sets none)", () => {
        const traefikNamespace = plain(one(run.resources, "kubernetes:core/v1:Namespace", "traefik").inputs);
        expect(traefikNamespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
        expect(plain(chartNamed(run, "traefik").inputs).values.podSecurityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    });

    it("makes the app's routes wait for the controller", () => {
        const routes = one(run.resources, "ticketbuster:net:Routes");
        // A dependency on a component is one on each of its children: here the chart (and its CRDs).
        expect(routes.dependencies).toContain(urn("dev", "ticketbuster:addons:Traefik$kubernetes:helm.sh/v4:Chart", "traefik"));
    });

    it("runs no monitoring and no tunnel", () => {
        expect(run.resources.filter((r) => r.type === "ticketbuster:addons:Monitoring" || r.type === "ticketbuster:addons:CloudflareTunnel")).toEqual([]);
    });
});

describe("all add-ons off", () => {
    it("registers no add-on resource (the cluster's PriorityClasses stay) and no route dependency on a controller", async () => {
        // cert-manager follows tls.mode, not the add-on switches (test/tls.test.ts).
        const run = await runProgram({ stack: "dev", config: { app: "proyecto06", addons: JSON.stringify({ metricsServer: false, gateway: false }), tls: '{"mode":"off"}' } });
        if (run.error) throw run.error;
        const addons = run.resources.filter((r) => r.type.startsWith("ticketbuster:addons:") || r.type === CHART);
        expect(addons.map((r) => r.type)).toEqual(["ticketbuster:addons:PriorityClasses"]);
        expect(one(run.resources, "ticketbuster:net:Routes").dependencies.filter((d) => d.includes("addons"))).toEqual([]);
    });
});

describe("monitoring", () => {
    let run: RunResult;
    beforeAll(async () => {
        run = await runProgram({
            stack: "dev",
            config: { addons: JSON.stringify({ monitoring: true }) },
            secrets: { grafanaAdminPassword: GRAFANA_PASSWORD },
        });
        if (run.error) throw run.error;
    });
    const crs = (kind: string) => run.resources.filter((r) => r.type === `kubernetes:monitoring.coreos.com/v1:${kind}`).map((r) => plain(r.inputs));

    it("installs kube-prometheus-stack, pinned, with Grafana's password from a secret", () => {
        const kps = plain(chartNamed(run, "kube-prometheus-stack").inputs);
        expect(kps.version).toBe(CHARTS.kubePrometheusStack.version);
        expect(kps.namespace).toBe("monitoring");
        expect(kps.values.grafana.admin.existingSecret).toBe("grafana-admin");
        const secret = one(run.resources, "kubernetes:core/v1:Secret", "grafana-admin");
        expect(isSecretValue(secret.inputs.stringData)).toBe(true);
        expect(plain(secret.inputs.stringData)["admin-password"]).toBe(GRAFANA_PASSWORD);
        expect(JSON.stringify(kps)).not.toContain(GRAFANA_PASSWORD);
    });

    it("scrapes the postgres exporter and RabbitMQ's own plugin (ticketbuster's tiers declare no metrics)", () => {
        expect(crs("ServiceMonitor").map((m) => m.metadata.name)).toEqual(["postgres-exporter"]);
        expect(crs("PodMonitor").map((m) => [m.metadata.name, m.spec.podMetricsEndpoints[0].portNumber])).toEqual([["rabbitmq", 15692]]);
        const exporter = plain(one(run.resources, "kubernetes:apps/v1:Deployment", "postgres-exporter").inputs).spec.template.spec;
        expect(exporter.containers[0].image).toBe(IMAGES.postgresExporter);
        expect(exporter.containers[0].image).toMatch(/:v[0-9.]+@sha256:[0-9a-f]{64}$/);
        expect(exporter.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(exporter.securityContext.runAsNonRoot).toBe(true);
    });

    it("has the five alert rules of seed 002, each with a for: window and a severity", () => {
        const rule = crs("PrometheusRule");
        expect(rule).toHaveLength(1);
        const rules = rule[0].spec.groups[0].rules;
        expect(rules.map((r: any) => r.alert)).toEqual(["HighErrorRate", "HighLatencyP95", "ServiceDown", "MemoryNearLimit", "CpuNearLimit"]);
        for (const r of rules) {
            expect(r.for).toMatch(/^[0-9]+m$/);
            expect(["warning", "critical"]).toContain(r.labels.severity);
            expect(r.expr).toContain('namespace="ticketbuster"');
        }
        expect(rules[0].expr).toContain("> 0.10");
        expect(rules[1].expr).toMatch(/histogram_quantile\(0\.95.*> 1$/);
        expect(rules[3].expr).toContain('resource="memory"');
        expect(rules[4].expr).toContain('resource="cpu"');
        expect(rules).toEqual(appAlerts("ticketbuster"));
    });

    it("provisions a dashboard Grafana's sidecar loads (requests, errors, latency, pods, HPA replicas)", () => {
        const cm = plain(one(run.resources, "kubernetes:core/v1:ConfigMap", "ticketbuster-dashboard").inputs);
        expect(cm.metadata.namespace).toBe("monitoring");
        expect(cm.metadata.labels.grafana_dashboard).toBe("1");
        const dashboard = JSON.parse(cm.data["ticketbuster.json"]);
        expect(dashboard.panels.map((p: any) => p.title)).toEqual([
            "Requests per second",
            "Errors (5xx) per second",
            "Latency p95",
            "Ready pods",
            "HPA replicas (current / desired)",
        ]);
    });
});

describe("monitoring of an app whose tiers declare metrics", () => {
    it("makes a ServiceMonitor per such tier and lets Prometheus' namespace reach its metrics port", async () => {
        const run = await runProgram({
            stack: "dev",
            config: { app: "proyecto06", addons: JSON.stringify({ monitoring: true }) },
            secrets: { grafanaAdminPassword: GRAFANA_PASSWORD },
        });
        if (run.error) throw run.error;
        const monitors = run.resources.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").map((r) => plain(r.inputs));
        const tierMonitor = monitors.find((m) => m.metadata.name !== "postgres-exporter")!;
        expect(tierMonitor.spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "30s" }]);
        const scrape = plain(one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `allow-scrape-${tierMonitor.metadata.name}`).inputs);
        expect(scrape.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
    });
});

describe("Cloudflare tunnel", () => {
    let run: RunResult;
    beforeAll(async () => {
        run = await runProgram({ stack: "dev", secrets: { cloudflareTunnelToken: "eyJ0ZXN0LXR1bm5lbC10b2tlbiJ9" } });
        if (run.error) throw run.error;
    });

    it("runs two hardened cloudflared replicas with the token from a Secret, ready on /ready", () => {
        const d = plain(one(run.resources, "kubernetes:apps/v1:Deployment", "cloudflared").inputs);
        expect(d.metadata.namespace).toBe("ticketbuster");
        expect(d.spec.replicas).toBe(2);
        const pod = d.spec.template.spec;
        const c = pod.containers[0];
        expect(c.image).toBe(IMAGES.cloudflared);
        expect(c.image).toMatch(/^cloudflare\/cloudflared:[0-9.]+@sha256:[0-9a-f]{64}$/);
        expect(c.args.slice(0, 2)).toEqual(["tunnel", "--no-autoupdate"]);
        expect(c.args.at(-1)).toBe("run");
        expect(c.env).toEqual([{ name: "TUNNEL_TOKEN", valueFrom: { secretKeyRef: { name: "cloudflared-token", key: "token" } } }]);
        expect(c.readinessProbe.httpGet.path).toBe("/ready");
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        const secret = one(run.resources, "kubernetes:core/v1:Secret", "cloudflared-token");
        expect(isSecretValue(secret.inputs.stringData)).toBe(true);
    });

    it("lets cloudflared reach only the public tier and Cloudflare's edge", () => {
        const p = plain(one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-from-cloudflared").inputs).spec;
        expect(p.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ protocol: "TCP", port: 5173 }] });
        expect(p.egress[1].to).toEqual([{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }]);
        expect(p.egress[1].ports).toEqual([
            { protocol: "TCP", port: 7844 },
            { protocol: "UDP", port: 7844 },
            { protocol: "TCP", port: 443 },
        ]);
    });

    it("is off without the token", async () => {
        const off = await runProgram({ stack: "dev" });
        expect(off.resources.filter((r) => r.type === "ticketbuster:addons:CloudflareTunnel")).toEqual([]);
    });
});
