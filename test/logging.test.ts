/**
 * The logging add-on (issue 20): Fluent Bit ships every container's lines to Loki, Grafana searches
 * them, Loki's ruler alerts on them. The real program under mocks, per target, with logging (and
 * monitoring) on: the charts and their values, the bucket and its identity on EKS and GKE, the
 * namespaces and their Pod Security levels, the NetworkPolicies, Grafana's datasource, the rules;
 * then the refusals, each with nothing created.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BUFFER_LIMIT, FLUENT_BIT_CONFIG, RETRY_LIMIT } from "../components/addons/fluent-bit";
import { appLogAlerts, CRASH_SIGNATURE } from "../components/addons/log-alerts";
import { LOKI_VOLUME_SIZE } from "../components/addons/loki";
import { CHARTS } from "../components/addons/versions";
import { parsePlatformOutput } from "../config/platform-output";
import { cloudStateFor, EKS, EKS_OIDC_ARN } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { isKubernetes, plain, Registered, RunOptions, RunResult, runProgram } from "./harness";
import { schemaError } from "./k8s-schema";
import { byName, byType, NETPOL, objects } from "./targets";

const CHART = "kubernetes:helm.sh/v4:Chart";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const ON = { addons: JSON.stringify({ monitoring: true, logging: true }) };
const GCP_PROJECT = "ticketbuster-demo";

const run = async (stack: string, config: Record<string, string | undefined> = {}, extra: Partial<RunOptions> = {}): Promise<RunResult> =>
    runProgram({ stack, config, state: cloudStateFor(stack, config as Record<string, string>), ...extra });
const ok = async (stack: string, config: Record<string, string | undefined> = {}, extra: Partial<RunOptions> = {}) => {
    const r = await run(stack, config, extra);
    if (r.error) throw r.error;
    return r;
};
const chart = (r: RunResult, name: string) => {
    const found = r.resources.filter((x) => x.type === CHART && plain(x.inputs).chart === name);
    if (found.length !== 1) throw new Error(`expected one chart ${name}, found ${found.length}`);
    return plain(found[0].inputs);
};
const named = (r: RunResult, type: string, name: string): Registered => {
    const found = r.resources.filter((x) => x.type === type && x.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
    return found[0];
};
/** A namespace's NetworkPolicies by name (the app's namespace has policies of the same names). */
const policies = (r: RunResult, namespace: string): Record<string, any> =>
    Object.fromEntries(byType(r, NETPOL).map((x) => plain(x.inputs)).filter((p) => p.metadata.namespace === namespace).map((p) => [p.metadata.name, p.spec]));
/** The query of an Explore URL. */
const exploreQuery = (logs: string) => JSON.parse(new URL(logs.split(" ")[0]).searchParams.get("panes")!).a.queries[0].expr;
/** An option of a section of Fluent Bit's classic config, by plugin name (case-insensitive keys, as Fluent Bit reads them). */
function option(section: string, plugin: string, key: string): string[] {
    const blocks = section.split(/^\[/m).filter((b) => new RegExp(`^\\s*Name\\s+${plugin}\\s*$`, "mi").test(b));
    expect(blocks, `one ${plugin} block`).toHaveLength(1);
    return blocks[0]
        .split("\n")
        .map((l) => l.trim().match(/^(\S+)\s+(.*)$/))
        .filter((m): m is RegExpMatchArray => m !== null && m[1].toLowerCase() === key.toLowerCase())
        .map((m) => m[2]);
}

const HTTPS_ANYWHERE_BUT_METADATA = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] };
const OBJECT_STORE_EGRESS: Record<string, unknown[]> = {
    dev: [],
    eks: [HTTPS_ANYWHERE_BUT_METADATA],
    gke: [
        HTTPS_ANYWHERE_BUT_METADATA,
        { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
        { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
    ],
};
const STORAGE_CLASS: Record<string, string | undefined> = { dev: undefined, eks: "gp3", gke: "standard-rwo" };

describe.each(["dev", "eks", "gke"] as const)("logging on %s (with monitoring, retention 14 days)", (stack) => {
    let r: RunResult;
    let loki: any;
    let fluentBit: any;
    beforeAll(async () => {
        r = await ok(stack, { ...ON, logging: JSON.stringify({ retentionDays: 14 }) });
        loki = chart(r, "loki");
        fluentBit = chart(r, "fluent-bit");
    }, 60_000);

    it("installs the pinned Loki and Fluent Bit charts, each as its own release in its own namespace", () => {
        expect([loki.version, loki.repositoryOpts.repo, loki.name, loki.namespace]).toEqual([CHARTS.loki.version, "https://grafana-community.github.io/helm-charts", "loki", "loki"]);
        expect([fluentBit.version, fluentBit.repositoryOpts.repo, fluentBit.name, fluentBit.namespace]).toEqual([
            CHARTS.fluentBit.version,
            "https://fluent.github.io/helm-charts",
            "fluent-bit",
            "fluent-bit",
        ]);
        expect(CHARTS.loki.version).toBe("18.11.0");
        expect(CHARTS.fluentBit.version).toBe("0.58.1");
    });

    it("runs Loki as one single binary, with none of the chart's gateway, canary, test or memcached caches", () => {
        const v = loki.values;
        expect(v.deploymentMode).toBe("Monolithic");
        expect(v.singleBinary.replicas).toBe(1);
        expect([v.write.replicas, v.read.replicas, v.backend.replicas]).toEqual([0, 0, 0]);
        for (const off of ["gateway", "lokiCanary", "test", "chunksCache", "resultsCache", "memcached"]) expect(v[off].enabled, off).toBe(false);
        expect(v.singleBinary.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } });
        expect(v.singleBinary.priorityClassName).toBe("ticketbuster-addons");
        expect(v.singleBinary.persistence.size).toBe(LOKI_VOLUME_SIZE);
        expect(v.singleBinary.persistence.storageClass).toBe(STORAGE_CLASS[stack]);
        expect(v.loki.analytics).toEqual({ reporting_enabled: false });
    });

    it("keeps 14 days, enforced by the compactor on the store it writes to", () => {
        const kind = { dev: "filesystem", eks: "s3", gke: "gcs" }[stack];
        expect(loki.values.loki.limits_config).toEqual({ retention_period: "336h" });
        expect(loki.values.loki.compactor).toEqual({ retention_enabled: true, delete_request_store: kind, working_directory: "/var/loki/compactor" });
        expect(loki.values.loki.schemaConfig.configs).toEqual([{ from: "2024-04-01", store: "tsdb", object_store: kind, schema: "v13", index: { prefix: "loki_index_", period: "24h" } }]);
    });

    it.runIf(stack === "dev")("stores the chunks on Loki's own volume, with no cloud identity", () => {
        expect(loki.values.loki.storage).toEqual({ type: "filesystem" });
        expect(loki.values.serviceAccount).toEqual({ create: true, name: "loki" });
        expect(r.resources.some((x) => x.type.startsWith("aws:") || x.type.startsWith("gcp:storage"))).toBe(false);
    });

    it.runIf(stack === "eks")("stores the chunks in an S3 bucket only Loki's ServiceAccount may use (IRSA), expiring two days after Loki's retention", () => {
        const bucket = plain(named(r, "aws:s3/bucket:Bucket", "ticketbuster-loki").inputs).bucket;
        expect(bucket).toBe(`ticketbuster-eks-loki-${EKS.account}`);
        expect(loki.values.loki.storage).toEqual({ type: "s3", bucketNames: { chunks: bucket }, s3: { region: EKS.region } });
        expect(loki.values.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": `arn:aws:iam::${EKS.account}:role/ticketbuster-loki-role` });
        const trust = JSON.parse(plain(named(r, "aws:iam/role:Role", "ticketbuster-loki").inputs).assumeRolePolicy);
        expect(trust.Statement[0].Principal).toEqual({ Federated: EKS_OIDC_ARN });
        expect(trust.Statement[0].Condition.StringEquals[`${EKS.oidcIssuer}:sub`]).toBe("system:serviceaccount:loki:loki");
        const policy = JSON.parse(plain(named(r, "aws:iam/rolePolicy:RolePolicy", "ticketbuster-loki").inputs).policy);
        const objectsStatement = policy.Statement.find((s: any) => s.Sid === "Objects");
        expect(objectsStatement.Action).toEqual(["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]);
        expect(objectsStatement.Resource).toBe(`arn:aws:s3:::${bucket}/*`);
        const lifecycle = plain(named(r, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "ticketbuster-loki").inputs);
        expect(lifecycle.rules[0].expiration).toEqual({ days: 16 });
        expect(plain(named(r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "ticketbuster-loki").inputs).restrictPublicBuckets).toBe(true);
    });

    it.runIf(stack === "gke")("stores the chunks in a GCS bucket that Loki's ServiceAccount reaches through Workload Identity", () => {
        const bucket = plain(named(r, "gcp:storage/bucket:Bucket", "ticketbuster-loki").inputs);
        expect(bucket.name).toBe(`${GCP_PROJECT}-gke-loki`);
        expect(bucket.lifecycleRules[0]).toEqual({ action: { type: "Delete" }, condition: { age: 16 } });
        expect(bucket.publicAccessPrevention).toBe("enforced");
        expect(loki.values.loki.storage).toEqual({ type: "gcs", bucketNames: { chunks: bucket.name } });
        const email = `tb-gke-loki@${GCP_PROJECT}.iam.gserviceaccount.com`;
        expect(loki.values.serviceAccount.annotations).toEqual({ "iam.gke.io/gcp-service-account": email });
        const binding = plain(named(r, "gcp:serviceaccount/iAMMember:IAMMember", "ticketbuster-loki-workload-identity").inputs);
        expect([binding.role, binding.member]).toEqual(["roles/iam.workloadIdentityUser", `serviceAccount:${GCP_PROJECT}.svc.id.goog[loki/loki]`]);
        const access = plain(named(r, "gcp:storage/bucketIAMMember:BucketIAMMember", "ticketbuster-loki").inputs);
        expect([access.bucket, access.role, access.member]).toEqual([bucket.name, "roles/storage.objectAdmin", `serviceAccount:${email}`]);
    });

    it("labels Loki's namespace restricted and Fluent Bit's privileged, the one level that admits its hostPath log mounts", () => {
        const level = (ns: string) => byName(r, NAMESPACE, ns).metadata.labels["pod-security.kubernetes.io/enforce"];
        expect([level("loki"), level("fluent-bit")]).toEqual(["restricted", "privileged"]);
    });

    it("tails every container's log but Fluent Bit's own, into a filesystem buffer kept on the node", () => {
        const input = FLUENT_BIT_CONFIG.inputs;
        expect(option(input, "tail", "Path")).toEqual(["/var/log/containers/*.log"]);
        expect(option(input, "tail", "Exclude_Path")).toEqual(["/var/log/containers/*_fluent-bit_*.log"]);
        expect(option(input, "tail", "multiline.parser")).toEqual(["docker, cri"]);
        expect(option(input, "tail", "storage.type")).toEqual(["filesystem"]);
        expect(option(input, "tail", "DB")).toEqual(["/var/lib/fluent-bit/tail.db"]);
        expect(FLUENT_BIT_CONFIG.service).toMatch(/^\s*storage\.path \/var\/lib\/fluent-bit\/buffer$/m);
        expect(fluentBit.values.config).toEqual(FLUENT_BIT_CONFIG);
    });

    it("adds the pod's metadata and parses JSON lines into fields", () => {
        const filters = FLUENT_BIT_CONFIG.filters;
        expect(option(filters, "kubernetes", "Merge_Log")).toEqual(["On"]);
        expect(option(filters, "kubernetes", "Keep_Log")).toEqual(["Off"]);
        expect(option(filters, "kubernetes", "Labels")).toEqual(["On"]);
        expect(option(filters, "record_modifier", "Remove_key")).toEqual(["time", "_p"]);
        // The record_modifier runs first: the kubernetes filter's merged JSON may carry its own `time`.
        expect(filters.indexOf("record_modifier")).toBeLessThan(filters.indexOf("kubernetes"));
    });

    it("ships to Loki's push API with namespace, pod, container and app labels, bounded in retries and disk", () => {
        const out = FLUENT_BIT_CONFIG.outputs;
        expect(option(out, "loki", "Host")).toEqual(["loki.loki.svc.cluster.local"]);
        expect(option(out, "loki", "Port")).toEqual(["3100"]);
        const labels = Object.fromEntries(option(out, "loki", "Labels")[0].split(", ").map((kv) => kv.split("=")));
        expect(labels).toEqual({
            namespace: "$kubernetes['namespace_name']",
            pod: "$kubernetes['pod_name']",
            container: "$kubernetes['container_name']",
            app: "$kubernetes['labels']['app.kubernetes.io/name']",
            part_of: "$kubernetes['labels']['app.kubernetes.io/part-of']",
            stream: "$stream",
        });
        expect(option(out, "loki", "Line_Format")).toEqual(["json"]);
        expect(option(out, "loki", "Retry_Limit")).toEqual([String(RETRY_LIMIT)]);
        expect(option(out, "loki", "storage.total_limit_size")).toEqual([BUFFER_LIMIT]);
        expect([RETRY_LIMIT, BUFFER_LIMIT]).toEqual([10, "256M"]);
        expect(FLUENT_BIT_CONFIG.service).toMatch(/^\s*scheduler\.cap 300$/m);
    });

    it("mounts the host's logs read-only, and only its state directory writable; reads pods and namespaces, nothing else", () => {
        const v = fluentBit.values;
        expect(v.kind).toBe("DaemonSet");
        expect(v.daemonSetVolumeMounts).toEqual([
            { name: "varlog", mountPath: "/var/log", readOnly: true },
            { name: "varlibdockercontainers", mountPath: "/var/lib/docker/containers", readOnly: true },
            { name: "state", mountPath: "/var/lib/fluent-bit" },
        ]);
        expect(v.daemonSetVolumes.map((x: any) => x.hostPath.path)).toEqual(["/var/log", "/var/lib/docker/containers", "/var/lib/fluent-bit"]);
        expect(v.rbac).toEqual({ create: true, nodeAccess: false, eventsAccess: false });
        expect(v.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] } });
        expect(v.podSecurityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
        expect(v.resources.limits.memory).toBe("256Mi");
        expect(v.testFramework).toEqual({ enabled: false });
    });

    it("denies everything in both namespaces, then lets only Fluent Bit push and Grafana read, in both directions", () => {
        const l = policies(r, "loki");
        const f = policies(r, "fluent-bit");
        for (const ns of [l, f]) {
            expect(ns["default-deny-ingress"]).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
            expect(ns["default-deny-egress"]).toEqual({ podSelector: {}, policyTypes: ["Egress"] });
            expect(ns["allow-dns"].egress[0].ports).toEqual([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
        }
        expect(Object.keys(l).sort()).toEqual(["allow-dns", "allow-from-loki", "allow-to-loki", "default-deny-egress", "default-deny-ingress"]);
        expect(Object.keys(f).sort()).toEqual(["allow-dns", "allow-from-fluent-bit", "default-deny-egress", "default-deny-ingress"]);
        const peer = (ns: string, name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } }, podSelector: { matchLabels: { "app.kubernetes.io/name": name } } });
        const lokiPeer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "loki" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki", "app.kubernetes.io/component": "single-binary" } } };
        const fluentBitPeer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "fluent-bit" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": "fluent-bit" } } };
        expect(l["allow-to-loki"].ingress).toEqual([
            { from: [fluentBitPeer, peer("monitoring", "grafana")], ports: [{ protocol: "TCP", port: 3100 }] },
            { from: [lokiPeer], ports: [3100, 9095, 7946].map((port) => ({ protocol: "TCP", port })) },
        ]);
        const apiServer = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [443, 6443].map((port) => ({ protocol: "TCP", port })) };
        expect(l["allow-from-loki"].egress).toEqual([
            { to: [lokiPeer], ports: [3100, 9095, 7946].map((port) => ({ protocol: "TCP", port })) },
            { to: [peer("monitoring", "alertmanager")], ports: [{ protocol: "TCP", port: 9093 }] },
            apiServer,
            ...OBJECT_STORE_EGRESS[stack],
        ]);
        expect(f["allow-from-fluent-bit"]).toEqual({
            podSelector: { matchLabels: fluentBitPeer.podSelector.matchLabels },
            policyTypes: ["Egress"],
            egress: [{ to: [lokiPeer], ports: [{ protocol: "TCP", port: 3100 }] }, apiServer],
        });
        // Nothing reaches Fluent Bit: no ingress rule in its namespace at all.
        expect(Object.values(f).filter((p: any) => p.ingress)).toEqual([]);
    });

    it("gives Grafana Loki as a datasource its sidecar loads, and the ruler kube-prometheus-stack's Alertmanager", () => {
        const ds = byName(r, CONFIGMAP, "loki-datasource");
        expect(ds.metadata).toMatchObject({ namespace: "monitoring", labels: { grafana_datasource: "1" } });
        expect(parse(ds.data["loki-datasource.yaml"])).toEqual({
            apiVersion: 1,
            datasources: [{ name: "Loki", type: "loki", uid: "loki", access: "proxy", url: "http://loki.loki.svc.cluster.local:3100", editable: false, jsonData: { maxLines: 1000 } }],
        });
        expect(loki.values.loki.rulerConfig).toEqual({
            enable_api: true,
            storage: { type: "local", local: { directory: "/rules" } },
            alertmanager_url: "http://monitoring-kube-prometheus-alertmanager.monitoring.svc.cluster.local:9093",
        });
        // The datasource waits for kube-prometheus-stack (its namespace and Grafana's sidecar).
        expect(named(r, CONFIGMAP, "logging-grafana-datasource").dependencies).toContain(`urn:pulumi:${stack}::ticketbuster::ticketbuster:addons:Monitoring$kubernetes:helm.sh/v4:Chart::monitoring`);
    });

    it("puts the app's log alert rules where the ruler's sidecar reads them: Loki's namespace, its label, the tenant's folder", () => {
        const cm = byName(r, CONFIGMAP, "log-alerts-ticketbuster");
        expect(cm.metadata.namespace).toBe("loki");
        expect(cm.metadata.labels).toMatchObject({ loki_rule: "1", "app.kubernetes.io/part-of": "ticketbuster" });
        const file = parse(cm.data["ticketbuster.yaml"]);
        expect(file.groups).toHaveLength(1);
        expect(file.groups[0].name).toBe("ticketbuster-logs");
        expect(file.groups[0].rules).toEqual(appLogAlerts("ticketbuster").map((rule) => ({ ...rule, labels: { ...rule.labels, namespace: "ticketbuster" } })));
        expect(loki.values.sidecar.rules).toEqual({ label: "loki_rule", labelValue: "1", folder: "/rules/fake", resource: "configmap" });
        // The sidecar's RBAC stays in Loki's namespace (a Role), not a ClusterRole over every namespace's Secrets.
        expect(loki.values.rbac).toEqual({ namespaced: true });
    });

    it("gives the dashboard a logs panel per tier, on the Loki datasource", () => {
        const dashboard = JSON.parse(byName(r, CONFIGMAP, "ticketbuster-dashboard").data["ticketbuster.json"]);
        const logs = dashboard.panels.filter((p: any) => p.type === "logs");
        const tiers = ["frontend", "api-gateway", "catalog-service", "notification-service", "order-worker", "postgres", "rabbitmq"];
        expect(logs.map((p: any) => p.targets[0].expr)).toEqual(tiers.map((t) => `{namespace="ticketbuster", app="${t}"}`));
        for (const p of logs) expect(p.datasource).toEqual({ type: "loki", uid: "loki" });
        expect(dashboard.panels.filter((p: any) => p.type !== "logs")).toHaveLength(5);
    });

    it("registers objects the Kubernetes schema accepts (namespaces, policies, ConfigMaps)", () => {
        const own = r.resources.filter((x) => isKubernetes(x) && x.urn.includes("ticketbuster:addons:Logging$"));
        expect(own.map((x) => x.type.split(":").pop()).sort()).toEqual([...Array(2).fill("ConfigMap"), ...Array(2).fill("Namespace"), ...Array(9).fill("NetworkPolicy")].sort());
        expect(own.map(schemaError).filter(Boolean)).toEqual([]);
    });

    it("says how to open the logs: Grafana's Explore on the app's namespace", () => {
        const addons = r.outputs.addons as Record<string, any>;
        expect(addons.logging).toBe(true);
        const url = new URL(addons.logs.split(" ")[0]);
        expect(url.origin + url.pathname).toBe("http://localhost:3000/explore");
        expect(exploreQuery(addons.logs)).toBe('{namespace="ticketbuster"}');
        expect(addons.logs).toContain("kubectl port-forward -n monitoring svc/monitoring-grafana 3000:80");
    });
});

describe("logging without monitoring", () => {
    let r: RunResult;
    beforeAll(async () => {
        r = await ok("dev", { app: "bookstore", addons: JSON.stringify({ logging: true }) });
    });

    it("keeps Loki to its default retention of 7 days, with neither Grafana's datasource nor an Alertmanager", () => {
        const loki = chart(r, "loki");
        expect(loki.values.loki.limits_config).toEqual({ retention_period: "168h" });
        expect(loki.values.loki.rulerConfig.alertmanager_url).toBeUndefined();
        expect(r.resources.filter((x) => x.type === CHART).map((x) => plain(x.inputs).chart).sort()).toEqual(["cert-manager", "fluent-bit", "loki", "metrics-server", "traefik"]);
        expect(Object.keys(objects(r, CONFIGMAP)).filter((n) => n.includes("datasource") || n.includes("dashboard"))).toEqual([]);
        expect(policies(r, "loki")["allow-to-loki"].ingress[0].from.map((p: any) => p.podSelector.matchLabels["app.kubernetes.io/name"])).toEqual(["fluent-bit"]);
        expect(policies(r, "loki")["allow-from-loki"].egress.some((e: any) => e.ports.some((p: any) => p.port === 9093))).toBe(false);
    });

    it("still loads the app's log alert rules, and tells how to query Loki through a port-forward", () => {
        expect(byName(r, CONFIGMAP, "log-alerts-bookstore").metadata.namespace).toBe("loki");
        expect((r.outputs.addons as Record<string, any>).logs).toBe(
            "kubectl port-forward -n loki svc/loki 3100:3100, then curl -sG http://localhost:3100/loki/api/v1/query_range --data-urlencode 'query={namespace=\"bookstore\"}'",
        );
    });
});

describe("logging off (the default on every target)", () => {
    it.each(["dev", "eks", "gke"])("%s registers nothing of it and keeps the dashboard without logs panels", async (stack) => {
        const r = await ok(stack, { addons: JSON.stringify({ monitoring: true }) });
        expect(r.resources.filter((x) => x.type.startsWith("ticketbuster:addons:Logging") || x.name.includes("loki"))).toEqual([]);
        expect((r.outputs.addons as Record<string, any>).logging).toBe(false);
        expect((r.outputs.addons as Record<string, any>).logs).toBeUndefined();
        const dashboard = JSON.parse(byName(r, CONFIGMAP, "ticketbuster-dashboard").data["ticketbuster.json"]);
        expect(dashboard.panels.map((p: any) => p.type)).toEqual(["timeseries", "timeseries", "timeseries", "timeseries", "timeseries"]);
    });
});

describe("log alert rules", () => {
    it("alert on a tier logging more than 1 error line/s for 5 minutes, and on a crash-loop signature", () => {
        const [errors, crash] = appLogAlerts("shop");
        expect(errors).toMatchObject({ alert: "TierLoggingErrors", for: "5m", labels: { severity: "warning" } });
        expect(errors.expr).toBe('sum by (app) (rate({namespace="shop"} |~ `(?i)\\berror\\b` [5m])) > 1');
        expect(crash).toMatchObject({ alert: "CrashLoopSignature", for: "1m", labels: { severity: "critical" } });
        expect(crash.expr).toBe(`sum by (app, pod) (count_over_time({namespace="shop"} |~ \`${CRASH_SIGNATURE}\` [10m])) > 0`);
    });

    it("match what dying processes print, not ordinary lines (the patterns are RE2 and JavaScript alike)", () => {
        const crash = new RegExp(CRASH_SIGNATURE);
        for (const line of [
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "Traceback (most recent call last):",
            'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        ]) {
            expect(crash.test(line), line).toBe(true);
        }
        for (const line of ["GET /api/events 200 12ms", "don't panic, retrying", "traceback disabled"]) expect(crash.test(line), line).toBe(false);
        const error = /\berror\b/i;
        for (const line of ['{"level":"error","msg":"db down"}', "level=ERROR msg=timeout", "Error: connect ECONNREFUSED"]) expect(error.test(line), line).toBe(true);
        for (const line of ["errors=0", "error_count=3", "GET /terror 200"]) expect(error.test(line), line).toBe(false);
    });
});

describe("logging on a platform stack and its app stacks", () => {
    const ORG = "organization/ticketbuster";
    let platform: RunResult;
    beforeAll(async () => {
        platform = await ok("platform-local", { addons: JSON.stringify({ metricsServer: true, gateway: true, monitoring: true, logging: true }) });
    }, 60_000);
    const references = (out: unknown) => ({ platforms: { [`${ORG}/platform-local`]: out } });

    it("runs Loki and Fluent Bit on the platform, which exports where an app's log rules go", () => {
        const out = platform.outputs.platform as Record<string, any>;
        expect(out.addons.logging).toBe(true);
        expect(out.logging).toEqual({ namespace: "loki", rulesLabels: { loki_rule: "1" } });
        expect(chart(platform, "loki").namespace).toBe("loki");
        // No app on the platform: no rules ConfigMap of its own.
        expect(Object.keys(objects(platform, CONFIGMAP))).toEqual(["loki-datasource"]);
    });

    it("has each app stack put its own rules ConfigMap into the platform's Loki namespace, and nothing else of logging", async () => {
        const app = await ok("bookstore-local", { addons: JSON.stringify({ monitoring: true, logging: true }) }, references(platform.outputs.platform));
        expect(app.resources.filter((x) => x.type === CHART)).toEqual([]);
        const logging = app.resources.filter((x) => x.urn.includes("ticketbuster:addons:Logging$"));
        expect(logging.map((x) => `${x.type} ${plain(x.inputs).metadata.namespace}/${plain(x.inputs).metadata.name}`)).toEqual([
            "kubernetes:core/v1:ConfigMap loki/log-alerts-bookstore",
        ]);
        expect(app.resources.filter(isKubernetes).some((x) => plain(x.inputs).kind === "Namespace" && plain(x.inputs).metadata.name === "loki")).toBe(false);
        const dashboard = JSON.parse(byName(app, CONFIGMAP, "bookstore-dashboard").data["bookstore.json"]);
        expect(dashboard.panels.filter((p: any) => p.type === "logs").length).toBe(8);
        expect(exploreQuery((app.outputs.addons as Record<string, any>).logs)).toBe('{namespace="bookstore"}');
    });

    it("reads a platform output from before the logging add-on (version 1, no logging flag) as a platform without it", async () => {
        const old = JSON.parse(JSON.stringify(platform.outputs.platform));
        delete old.addons.logging;
        delete old.logging;
        expect(parsePlatformOutput(old, `${ORG}/platform-local`).addons.logging).toBe(false);
        const app = await ok("bookstore-local", {}, references(old));
        expect(app.resources.some((x) => x.type === "ticketbuster:addons:Logging")).toBe(false);
        expect((app.outputs.addons as Record<string, any>).logging).toBe(false);
    });

    it("refuses an app stack that requires logging of a platform that does not run it, having read only the platform", async () => {
        const without = { ...(platform.outputs.platform as object), addons: { metricsServer: true, gateway: true, monitoring: true, logging: false } };
        const app = await run("bookstore-local", { addons: JSON.stringify({ logging: true }) }, references(without));
        expect(app.error?.name).toBe("ConfigError");
        expect(app.error?.message).toContain("ticketbuster:addons.logging: got true; the platform stack organization/ticketbuster/platform-local does not run logging");
        expect(app.resources.map((x) => x.type)).toEqual(["pulumi:pulumi:StackReference"]);
    });
});

describe("refusals, with nothing created", () => {
    const cases: { what: string; stack: string; config: Record<string, string>; expect: string[] }[] = [
        { what: "logging that is not a boolean", stack: "dev", config: { addons: '{"logging":"yes"}' }, expect: ['ticketbuster:addons.logging: got "yes"; allowed: true, false'] },
        {
            what: "a retention while logging is off",
            stack: "eks",
            config: { logging: '{"retentionDays":14}' },
            expect: ["ticketbuster:logging.retentionDays: got 14; allowed: only with addons.logging true"],
        },
        {
            what: "a retention of zero days",
            stack: "dev",
            config: { addons: '{"logging":true}', logging: '{"retentionDays":0}' },
            expect: ["ticketbuster:logging.retentionDays: got 0; allowed: an integer from 1 to 3650 (days)"],
        },
        {
            what: "a fractional retention",
            stack: "gke",
            config: { addons: '{"logging":true}', logging: '{"retentionDays":1.5}' },
            expect: ["ticketbuster:logging.retentionDays: got 1.5; allowed: an integer from 1 to 3650 (days)"],
        },
        {
            what: "a retention as text",
            stack: "dev",
            config: { addons: '{"logging":true}', logging: '{"retentionDays":"7d"}' },
            expect: ['ticketbuster:logging.retentionDays: got "7d"; allowed: an integer from 1 to 3650 (days)'],
        },
        {
            what: "an unknown logging key",
            stack: "dev",
            config: { addons: '{"logging":true}', logging: '{"retention":7}' },
            expect: ["ticketbuster:logging.retention: unknown key; allowed: retentionDays"],
        },
        {
            what: "a retention on an app stack (the platform's Loki keeps the logs)",
            stack: "bookstore-local",
            config: { logging: '{"retentionDays":30}' },
            expect: ['ticketbuster:logging: got {"retentionDays":30}; allowed: nothing on a stack with platform set', "platform-local owns the cluster: set it there"],
        },
        {
            what: "an app stack that turns logging off (the platform's Fluent Bit reads every node)",
            stack: "ticketbuster-local",
            config: { addons: '{"logging":false}' },
            expect: ["ticketbuster:addons.logging: got false; allowed: true (requires it of the platform stack organization/ticketbuster/platform-local)"],
        },
    ];
    it.each(cases)("$what", async (c) => {
        const r = await run(c.stack, c.config);
        expectConfigRejected(r, c.expect);
    });
});
