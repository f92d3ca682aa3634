import { beforeAll, describe, expect, it } from "vitest";
import { ticketbuster } from "../apps/ticketbuster";
import { isKubernetes, isSecretValue, one, plain, Registered, RunResult, runProgram, TEST_SECRETS } from "./harness";
import { notBackup } from "./targets";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const SERVICE = "kubernetes:core/v1:Service";

let run: RunResult;
const k8sObjects = () => run.resources.filter(isKubernetes);
const spec = (r: Registered) => plain(r.inputs).spec;
const podSpec = (r: Registered) => spec(r).template.spec;
const workloads = () => k8sObjects().filter((r) => [DEPLOYMENT, STATEFULSET, "kubernetes:batch/v1:Job"].includes(r.type));
const envOf = (name: string): Record<string, unknown> =>
    Object.fromEntries(podSpec(one(run.resources, DEPLOYMENT, name)).containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

beforeAll(async () => {
    run = await runProgram({ stack: "dev" });
    if (run.error) throw run.error;
});

describe("local stack: the guide's topology", () => {
    it("runs 11 pods by default: 2+2+2+2+1 stateless and two single-replica StatefulSets", () => {
        const replicas: Record<string, number> = {};
        for (const r of [...run.resources.filter((x) => x.type === DEPLOYMENT), ...run.resources.filter((x) => x.type === STATEFULSET)]) {
            // A Deployment without replicas (HPA-managed) starts at 1, its HPA's minReplicas.
            replicas[plain(r.inputs).metadata.name] = spec(r).replicas ?? 1;
        }
        expect(replicas).toEqual({
            frontend: 2,
            "api-gateway": 2,
            "catalog-service": 2,
            "notification-service": 2,
            "order-worker": 1,
            postgres: 1,
            rabbitmq: 1,
        });
        expect(Object.values(replicas).reduce((a, b) => a + b, 0)).toBe(11);
    });

    it("exposes the documented ports, ClusterIP except the frontend (LoadBalancer) and headless postgres", () => {
        const services = Object.fromEntries(
            run.resources.filter((r) => r.type === SERVICE).map((r) => [plain(r.inputs).metadata.name, spec(r)]),
        );
        const ports = (name: string) => services[name].ports.map((p: any) => p.port);
        expect(ports("frontend")).toEqual([5173]);
        expect(ports("api-gateway")).toEqual([8000]);
        expect(ports("catalog-service")).toEqual([3000, 50051]);
        expect(ports("notification-service")).toEqual([4000]);
        expect(ports("order-worker")).toEqual([5000]);
        expect(ports("postgres")).toEqual([5432]);
        expect(ports("rabbitmq")).toEqual([5672, 15672]);
        expect(services.frontend.type).toBe("LoadBalancer");
        for (const name of ["api-gateway", "catalog-service", "notification-service", "order-worker"]) {
            expect(services[name].type, name).toBe("ClusterIP");
        }
        expect(services.postgres.clusterIP).toBe("None");
        expect(services.rabbitmq.type).toBeUndefined(); // ClusterIP by default
    });

    it("gives Node.js tiers 100m/128Mi requests and 500m/512Mi limits", () => {
        for (const name of ["frontend", "api-gateway", "catalog-service", "notification-service"]) {
            expect(podSpec(one(run.resources, DEPLOYMENT, name)).containers[0].resources, name).toEqual({
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
            });
        }
    });

    it("gives order-worker 200m/256Mi requests, a 1Gi memory limit and no CPU limit", () => {
        const resources = podSpec(one(run.resources, DEPLOYMENT, "order-worker")).containers[0].resources;
        expect(resources).toEqual({ requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "1Gi" } });
        expect(resources.limits).not.toHaveProperty("cpu");
    });

    it("autoscales order-worker 1..10 on 50% CPU, fast up (30s, x2) and slow down (300s, -50%)", () => {
        const hpa = spec(one(run.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"));
        expect(hpa.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "order-worker" });
        expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([1, 10]);
        expect(hpa.metrics).toEqual([
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
        ]);
        expect(hpa.behavior.scaleUp.stabilizationWindowSeconds).toBe(30);
        expect(hpa.behavior.scaleUp.policies).toEqual([{ type: "Percent", value: 100, periodSeconds: 15 }]);
        expect(hpa.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
        expect(hpa.behavior.scaleDown.policies[0]).toMatchObject({ type: "Percent", value: 50 });
        // The HPA owns the replica count: the Deployment must not fight it on every `pulumi up`.
        expect(spec(one(run.resources, DEPLOYMENT, "order-worker")).replicas).toBeUndefined();
    });

    it("puts postgres on a 20Gi claim and rabbitmq on a 5Gi claim, mounted by their StatefulSets", () => {
        const claims = run.resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim").filter(notBackup).map((r) => plain(r.inputs));
        expect(claims.map((c) => [c.metadata.name, c.spec.resources.requests.storage, c.spec.accessModes])).toEqual([
            ["postgres-pvc", "20Gi", ["ReadWriteOnce"]],
            ["rabbitmq-pvc", "5Gi", ["ReadWriteOnce"]],
        ]);
        for (const [set, claim] of [["postgres", "postgres-pvc"], ["rabbitmq", "rabbitmq-pvc"]]) {
            const volumes = podSpec(one(run.resources, STATEFULSET, set)).volumes;
            expect(volumes.find((v: any) => v.name === "data").persistentVolumeClaim.claimName).toBe(claim);
        }
    });

    it("pins the database images and builds app images from registry and tag", () => {
        // Third-party images by tag and digest: a tag can be re-pushed, a digest cannot.
        expect(podSpec(one(run.resources, STATEFULSET, "postgres")).containers[0].image).toMatch(/^postgres:16\.6-alpine@sha256:[0-9a-f]{64}$/);
        expect(podSpec(one(run.resources, STATEFULSET, "rabbitmq")).containers[0].image).toMatch(
            /^rabbitmq:3\.13\.7-management-alpine@sha256:[0-9a-f]{64}$/,
        );
        expect(podSpec(one(run.resources, DEPLOYMENT, "api-gateway")).containers[0].image).toBe("ticketbuster/api-gateway:1.0.0");
        for (const w of workloads()) {
            for (const c of podSpec(w).containers) expect(c.image, w.name).toMatch(/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
            for (const c of podSpec(w).containers) expect(c.image, w.name).not.toMatch(/:latest$/);
        }
    });
});

describe("local stack: secrets and config", () => {
    it("creates db-credentials and rabbitmq-credentials with the passwords as Pulumi secrets", () => {
        for (const [name, password] of [
            ["db-credentials", TEST_SECRETS.dbPassword],
            ["rabbitmq-credentials", TEST_SECRETS.rabbitmqPassword],
        ]) {
            const secret = one(run.resources, "kubernetes:core/v1:Secret", name);
            expect(isSecretValue(secret.inputs.stringData), name).toBe(true);
            expect(plain(secret.inputs.stringData).password).toBe(password);
            expect(Object.keys(plain(secret.inputs.stringData)).sort()).toEqual(["password", "username"]);
        }
    });

    it("never puts a password in a plain input anywhere", () => {
        for (const r of run.resources) {
            const visible = JSON.stringify(r.inputs, (_k, v) => (isSecretValue(v) ? "[secret]" : v));
            for (const password of Object.values(TEST_SECRETS)) expect(visible, `${r.type} ${r.name}`).not.toContain(password);
        }
    });

    it("shares app-config with every app tier and rolls pods when it changes", () => {
        const configMap = plain(one(run.resources, "kubernetes:core/v1:ConfigMap", "app-config").inputs);
        expect(configMap.data).toEqual(ticketbuster.sharedConfig);
        for (const d of run.resources.filter((r) => r.type === DEPLOYMENT)) {
            expect(podSpec(d).containers[0].envFrom, d.name).toEqual([{ configMapRef: { name: "app-config" } }]);
            expect(spec(d).template.metadata.annotations["ticketbuster.io/config-checksum"]).toMatch(/^[0-9a-f]{10}$/);
        }
    });
});

describe("local stack: wiring derived from declared dependencies", () => {
    it("points api-gateway at catalog-service, notification-service and rabbitmq", () => {
        const env = envOf("api-gateway");
        expect(env).toMatchObject({
            CATALOG_SERVICE_URL: "http://catalog-service:3000",
            CATALOG_SERVICE_GRPC_ADDRESS: "catalog-service:50051",
            NOTIFICATION_SERVICE_URL: "http://notification-service:4000",
            RABBITMQ_HOST: "rabbitmq",
            RABBITMQ_AMQP_PORT: "5672",
            RABBITMQ_USERNAME: { secretKeyRef: { name: "rabbitmq-credentials", key: "username" } },
            RABBITMQ_PASSWORD: { secretKeyRef: { name: "rabbitmq-credentials", key: "password" } },
        });
        expect(Object.keys(env).some((k) => k.startsWith("DATABASE_"))).toBe(false);
        // The management port is for operators, not for apps.
        expect(env).not.toHaveProperty("RABBITMQ_MANAGEMENT_PORT");
    });

    it("gives each tier exactly the connection settings of its dependencies", () => {
        for (const tier of ticketbuster.tiers) {
            if (tier.kind !== "stateless") continue;
            const prefixes = new Set(
                Object.keys(envOf(tier.name))
                    .filter((k) => k.endsWith("_HOST"))
                    .map((k) => k.slice(0, -"_HOST".length)),
            );
            const expected = new Set(tier.dependsOn.map((d) => ticketbuster.tiers.find((t) => t.name === d)!.envPrefix));
            expect(prefixes, tier.name).toEqual(expected);
        }
        expect(envOf("catalog-service")).toMatchObject({
            DATABASE_HOST: "postgres",
            DATABASE_POSTGRES_PORT: "5432",
            DATABASE_NAME: "ticketbuster",
            DATABASE_PASSWORD: { secretKeyRef: { name: "db-credentials", key: "password" } },
        });
    });

    it("denies all ingress, then allows exactly the declared edges plus the public frontend", () => {
        const policies = Object.fromEntries(
            run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(notBackup).map((r) => [plain(r.inputs).metadata.name, spec(r)]),
        );
        expect(policies["default-deny-ingress"]).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });

        const edges: string[] = [];
        for (const [name, p] of Object.entries<any>(policies)) {
            if (!name.startsWith("allow-to-")) continue;
            for (const rule of p.ingress) {
                for (const port of rule.ports) edges.push(`${rule.from[0].podSelector.matchLabels.app}->${p.podSelector.matchLabels.app}:${port.port}`);
            }
        }
        expect(edges.sort()).toEqual(
            [
                "frontend->api-gateway:8000",
                "frontend->notification-service:4000",
                "api-gateway->catalog-service:3000",
                "api-gateway->catalog-service:50051",
                "api-gateway->notification-service:4000",
                "api-gateway->rabbitmq:5672",
                "catalog-service->postgres:5432",
                "notification-service->rabbitmq:5672",
                "order-worker->rabbitmq:5672",
                "order-worker->postgres:5432",
                "db-seed->postgres:5432",
            ].sort(),
        );
        expect(policies["allow-public-frontend"].ingress).toEqual([{ ports: [{ protocol: "TCP", port: 5173 }] }]);
        // Deny ingress and egress, DNS, 5 servers, 6 clients (the seed Job is one), the public frontend.
        expect(Object.keys(policies)).toHaveLength(3 + 5 + 6 + 1);
    });

    it("denies all egress, then allows DNS and exactly the same edges from the client's side", () => {
        const policies = Object.fromEntries(
            run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => [plain(r.inputs).metadata.name, spec(r)]),
        );
        expect(policies["default-deny-egress"]).toEqual({ podSelector: {}, policyTypes: ["Egress"] });
        expect(policies["allow-dns"].egress).toEqual([
            {
                to: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                    },
                ],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
        ]);
        const egress: string[] = [];
        const ingress: string[] = [];
        for (const [name, p] of Object.entries<any>(policies)) {
            if (name.startsWith("allow-from-")) {
                expect(p.policyTypes, name).toEqual(["Egress"]);
                for (const rule of p.egress) {
                    for (const port of rule.ports) egress.push(`${p.podSelector.matchLabels.app}->${rule.to[0].podSelector.matchLabels.app}:${port.port}`);
                }
            }
            if (name.startsWith("allow-to-")) {
                for (const rule of p.ingress) {
                    for (const port of rule.ports) ingress.push(`${rule.from[0].podSelector.matchLabels.app}->${p.podSelector.matchLabels.app}:${port.port}`);
                }
            }
        }
        expect(egress.sort()).toEqual(ingress.sort());
        expect(egress).toHaveLength(11);
        // TicketBuster declares nothing outside the cluster: no rule anywhere reaches an ipBlock.
        expect(JSON.stringify(policies)).not.toContain("ipBlock");
    });
});

describe("local stack: hardening", () => {
    it("gives every container requests, probes (jobs excepted) and a restricted securityContext", () => {
        for (const w of workloads()) {
            const pod = podSpec(w);
            expect(pod.securityContext, w.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
            expect(pod.automountServiceAccountToken, w.name).toBe(false);
            for (const c of pod.containers) {
                expect(c.resources.requests.cpu, w.name).toBeTruthy();
                expect(c.resources.requests.memory, w.name).toBeTruthy();
                expect(c.resources.limits.memory, w.name).toBeTruthy();
                expect(c.securityContext, w.name).toEqual({
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                });
                if (w.type !== "kubernetes:batch/v1:Job") {
                    expect(c.readinessProbe, w.name).toBeDefined();
                    expect(c.livenessProbe, w.name).toBeDefined();
                }
                // Read-only root: every writable path is a mounted volume.
                const mounted = new Set(pod.volumes.map((v: any) => v.name));
                for (const m of c.volumeMounts) expect(mounted.has(m.name), `${w.name} ${m.mountPath}`).toBe(true);
            }
        }
    });

    it("probes /health on the API tiers", () => {
        for (const name of ["api-gateway", "catalog-service", "notification-service", "order-worker"]) {
            const c = podSpec(one(run.resources, DEPLOYMENT, name)).containers[0];
            expect(c.readinessProbe.httpGet, name).toEqual({ path: "/health", port: "http" });
            expect(c.livenessProbe.httpGet, name).toEqual({ path: "/health", port: "http" });
        }
    });

    it("runs each tier under its own ServiceAccount without a token", () => {
        const accounts = run.resources.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount").filter(notBackup).map((r) => plain(r.inputs));
        expect(accounts.map((a) => a.metadata.name).sort()).toEqual(ticketbuster.tiers.map((t) => t.name).sort());
        for (const a of accounts) expect(a.automountServiceAccountToken).toBe(false);
        for (const w of run.resources.filter((r) => r.type === DEPLOYMENT || r.type === STATEFULSET)) {
            expect(podSpec(w).serviceAccountName).toBe(plain(w.inputs).metadata.name);
        }
    });

    it("has a PodDisruptionBudget for every tier with 2+ replicas and none for single pods", () => {
        const pdbs = run.resources.filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget").map((r) => plain(r.inputs));
        expect(pdbs.map((p) => p.metadata.name).sort()).toEqual(["api-gateway", "catalog-service", "frontend", "notification-service"]);
        for (const p of pdbs) {
            // AlwaysAllow: a pod that is not Ready must not stall a node drain.
            expect(p.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: p.metadata.name } }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
        }
    });

    it("enforces the restricted Pod Security Standard on the namespace", () => {
        const ns = plain(one(run.resources, "kubernetes:core/v1:Namespace", "ticketbuster").inputs);
        expect(ns.metadata.name).toBe("ticketbuster");
        expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });

    it("creates every Kubernetes object through the target's explicit provider, in the namespace", () => {
        const CLUSTER_SCOPED = ["kubernetes:core/v1:Namespace", "kubernetes:scheduling.k8s.io/v1:PriorityClass", "kubernetes:cert-manager.io/v1:ClusterIssuer"];
        // The cluster's TLS machinery: the local CA's certificate lives in cert-manager's namespace.
        const TLS_MACHINERY = ["cluster-issuers-local-ca"];
        const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        expect(providers.map((p) => p.name)).toEqual(["local"]);
        expect(plain(providers[0].inputs).context).toBe("docker-desktop");
        expect(k8sObjects().length).toBeGreaterThan(30);
        for (const r of k8sObjects()) {
            expect(r.provider, `${r.type} ${r.name}`).toMatch(/::pulumi:providers:kubernetes::local::/);
            if (CLUSTER_SCOPED.includes(r.type)) expect(plain(r.inputs).metadata.namespace, r.name).toBeUndefined();
            else if (TLS_MACHINERY.includes(r.name)) expect(plain(r.inputs).metadata.namespace, r.name).toBe("cert-manager");
            else expect(plain(r.inputs).metadata.namespace, r.name).toBe("ticketbuster");
        }
    });

    it("leaves database volumes unprotected on dev and protects them when protectData is on", async () => {
        const claims = (r: RunResult) => r.resources.filter((x) => x.type === "kubernetes:core/v1:PersistentVolumeClaim").filter(notBackup);
        expect(claims(run).map((c) => [c.protect, c.retainOnDelete])).toEqual([
            [false, false],
            [false, false],
        ]);
        const protectedRun = await runProgram({ stack: "dev", config: { protectData: "true" } });
        expect(protectedRun.error).toBeUndefined();
        expect(claims(protectedRun).map((c) => [plain(c.inputs).metadata.name, c.protect, c.retainOnDelete])).toEqual([
            ["postgres-pvc", true, true],
            ["rabbitmq-pvc", true, true],
        ]);
        // Only the data is protected (the stores' volumes and the backups volume): the rest can still be replaced or destroyed.
        expect(protectedRun.resources.filter((r) => r.protect).map((r) => plain(r.inputs).metadata.name).sort()).toEqual(["backups", "postgres-pvc", "rabbitmq-pvc"]);
    });

    it("starts the tiers that use a data store after it, and the seed job after postgres", () => {
        // Depending on a component means depending on its resources, so the URNs are of its children.
        const onPostgres = (deps: string[]) => deps.some((d) => d.endsWith("ticketbuster:data:Postgres$kubernetes:apps/v1:StatefulSet::postgres"));
        const catalog = run.resources.find((r) => r.type === "ticketbuster:app:StatelessService" && r.name === "catalog-service")!;
        expect(onPostgres(catalog.dependencies)).toBe(true);
        const frontend = run.resources.find((r) => r.type === "ticketbuster:app:StatelessService" && r.name === "frontend")!;
        expect(frontend.dependencies.some((d) => d.includes("ticketbuster:data:"))).toBe(false);
        const seed = run.resources.find((r) => r.type === "ticketbuster:data:SqlSeedJob")!;
        expect(onPostgres(seed.dependencies)).toBe(true);
    });
});

