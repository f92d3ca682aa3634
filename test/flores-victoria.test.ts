import { beforeAll, describe, expect, it } from "vitest";
import { floresVictoria } from "../apps/flores-victoria";
import { Application } from "../components/application";
import { cloudStateFor } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { isSecretValue, one, plain, RunResult, runProgram, TEST_SECRETS } from "./harness";
import { allowedEdges, byName, byType, containerOf, DEPLOYMENT, envOf, hostOn, notBackup, podCounts, podSpecOf, SERVICE, STATEFULSET, TARGETS } from "./targets";

const run = (stack: string, config: Record<string, string> = {}, secrets?: Record<string, string | undefined>) =>
    runProgram({ stack, state: cloudStateFor(stack), config: { app: "flores-victoria", ...config }, secrets });

const BACKENDS: Record<string, [port: number, store: string]> = {
    "auth-service": [4001, "postgres"],
    "product-service": [3002, "mongodb"],
    "user-service": [3003, "postgres"],
    "order-service": [3004, "postgres"],
    "cart-service": [3005, "redis"],
    "wishlist-service": [3006, "mongodb"],
    "review-service": [3007, "mongodb"],
    "contact-service": [3008, "mongodb"],
};
const STORE_PORT: Record<string, number> = { postgres: 5432, mongodb: 27017, redis: 6379 };
const STORE_URI_ENV: Record<string, string> = { postgres: "DATABASE_URL", mongodb: "MONGODB_URI", redis: "REDIS_URL" };

describe.each(TARGETS)("flores-victoria on %s", (stack) => {
    let r: RunResult;
    beforeAll(async () => {
        r = await run(stack);
        if (r.error) throw r.error;
    });

    it("runs the seed's 15 pods: frontend 2, api-gateway 2, eight services 1 each, three stores", () => {
        const counts = podCounts(r);
        expect(counts).toEqual({
            frontend: 2,
            "api-gateway": 2,
            ...Object.fromEntries(Object.keys(BACKENDS).map((b) => [b, 1])),
            postgres: 1,
            mongodb: 1,
            redis: 1,
        });
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(15);
        expect(byName(r, "kubernetes:core/v1:Namespace", "flores-victoria").metadata.labels["app.kubernetes.io/part-of"]).toBe("flores-victoria");
    });

    it("gives every tier the seed's requests and limits", () => {
        const resources = (type: string, name: string) => podSpecOf(r, type, name).containers[0].resources;
        const small = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } };
        expect(resources(DEPLOYMENT, "api-gateway")).toEqual(small);
        for (const b of Object.keys(BACKENDS)) expect(resources(DEPLOYMENT, b), b).toEqual(small);
        expect(resources(DEPLOYMENT, "frontend")).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } });
        const db = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
        expect(resources(STATEFULSET, "postgres")).toEqual(db);
        expect(resources(STATEFULSET, "mongodb")).toEqual(db);
        expect(resources(STATEFULSET, "redis")).toEqual(small);
    });

    it("listens on the seed's ports; api-gateway and frontend Services on port 80", () => {
        for (const [b, [port]] of Object.entries(BACKENDS)) expect(byName(r, SERVICE, b).spec.ports.map((p: any) => p.port), b).toEqual([port]);
        expect(byName(r, SERVICE, "api-gateway").spec.ports.map((p: any) => p.port)).toEqual([80]);
        expect(byName(r, SERVICE, "frontend").spec.ports.map((p: any) => p.port)).toEqual([80]);
        for (const [store, port] of Object.entries(STORE_PORT)) expect(byName(r, SERVICE, store).spec.ports.map((p: any) => p.port), store).toEqual([port]);
    });

    it("exposes the frontend as NodePort locally and LoadBalancer in the cloud, as the seed says", () => {
        const frontend = byName(r, SERVICE, "frontend");
        expect(frontend.spec.type).toBe(stack === "dev" ? "NodePort" : "LoadBalancer");
        // A NodePort has no address to wait for: Pulumi skips its Service await, like a ClusterIP's (issue 16.5).
        if (stack === "dev") expect(frontend.metadata.annotations).toEqual({ "pulumi.com/skipAwait": "true" });
        for (const s of byType(r, SERVICE).map((x) => plain(x.inputs)).filter((s) => s.metadata.name !== "frontend")) {
            expect(s.spec.type ?? "ClusterIP", s.metadata.name).toBe("ClusterIP");
        }
    });

    it("puts PostgreSQL on 5Gi, MongoDB on 2Gi and Redis on 1Gi", () => {
        const claims = byType(r, "kubernetes:core/v1:PersistentVolumeClaim").filter(notBackup).map((c) => [plain(c.inputs).metadata.name, plain(c.inputs).spec.resources.requests.storage]);
        expect(Object.fromEntries(claims)).toEqual({ "postgres-pvc": "5Gi", "mongodb-pvc": "2Gi", "redis-pvc": "1Gi" });
    });

    it("keeps the credentials in db-secrets (and one Secret per other store) and the JWT key in jwt-secret, all Pulumi secrets", () => {
        for (const name of ["db-secrets", "mongodb-secrets", "redis-secrets", "jwt-secret"]) {
            expect(isSecretValue(one(r.resources, "kubernetes:core/v1:Secret", name).inputs.stringData), name).toBe(true);
        }
        expect(plain(one(r.resources, "kubernetes:core/v1:Secret", "jwt-secret").inputs.stringData)).toEqual({ JWT_SECRET: TEST_SECRETS.jwtSecret });
        expect(plain(one(r.resources, "kubernetes:core/v1:Secret", "mongodb-secrets").inputs.stringData).uri).toBe(
            `mongodb://flores:${TEST_SECRETS.mongoPassword}@mongodb:27017/flores_victoria?authSource=admin`,
        );
        for (const o of r.resources) {
            const visible = JSON.stringify(o.inputs, (_k, v) => (isSecretValue(v) ? "[secret]" : v));
            for (const value of Object.values(TEST_SECRETS)) expect(visible, `${o.type} ${o.name}`).not.toContain(value);
        }
    });

    it("wires each service to its own store only, and the gateway to every service and Redis", () => {
        for (const [b, [, store]] of Object.entries(BACKENDS)) {
            const env = envOf(containerOf(r, DEPLOYMENT, b));
            expect(env[STORE_URI_ENV[store]], b).toEqual({ secretKeyRef: { name: `${store === "postgres" ? "db" : store}-secrets`, key: "uri" } });
            for (const other of Object.keys(STORE_URI_ENV).filter((s) => s !== store)) expect(env, b).not.toHaveProperty(STORE_URI_ENV[other]);
        }
        const gateway = envOf(containerOf(r, DEPLOYMENT, "api-gateway"));
        expect(gateway).toMatchObject({ AUTH_SERVICE_URL: "http://auth-service:4001", CART_SERVICE_URL: "http://cart-service:3005", REDIS_HOST: "redis" });
        expect(gateway.JWT_SECRET).toEqual({ secretKeyRef: { name: "jwt-secret", key: "JWT_SECRET" } });
        expect(envOf(containerOf(r, DEPLOYMENT, "auth-service")).JWT_SECRET).toEqual({ secretKeyRef: { name: "jwt-secret", key: "JWT_SECRET" } });
        expect(envOf(containerOf(r, DEPLOYMENT, "product-service"))).not.toHaveProperty("JWT_SECRET");
    });

    it("allows exactly the declared edges, in both directions; no backend reaches another's database", () => {
        const expected = [
            "frontend->api-gateway:3000",
            "api-gateway->redis:6379",
            ...Object.entries(BACKENDS).flatMap(([b, [port, store]]) => [`api-gateway->${b}:${port}`, `${b}->${store}:${STORE_PORT[store]}`]),
        ].sort();
        expect(allowedEdges(r, "ingress")).toEqual(expected);
        expect(allowedEdges(r, "egress")).toEqual(expected);
    });

    it("autoscales api-gateway 2..6 and product-service 1..4 on CPU 70% and memory 80%", () => {
        const hpas = Object.fromEntries(byType(r, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((h) => [plain(h.inputs).metadata.name, plain(h.inputs).spec]));
        expect(Object.keys(hpas).sort()).toEqual(["api-gateway", "product-service"]);
        expect([hpas["api-gateway"].minReplicas, hpas["api-gateway"].maxReplicas]).toEqual([2, 6]);
        expect([hpas["product-service"].minReplicas, hpas["product-service"].maxReplicas]).toEqual([1, 4]);
        for (const hpa of Object.values<any>(hpas)) {
            expect(hpa.metrics).toEqual([
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
            ]);
        }
    });

    it("runs every tier under its own ServiceAccount without a token, and grants no Role (none is declared)", () => {
        const accounts = byType(r, "kubernetes:core/v1:ServiceAccount").filter(notBackup).map((a) => plain(a.inputs));
        expect(accounts.map((a) => a.metadata.name).sort()).toEqual(floresVictoria.tiers.map((t) => t.name).sort());
        for (const a of accounts) expect(a.automountServiceAccountToken, a.metadata.name).toBe(false);
        expect(byType(r, "kubernetes:rbac.authorization.k8s.io/v1:Role")).toHaveLength(0);
        expect(byType(r, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")).toHaveLength(0);
    });

    it("routes / to the frontend and /api to the api-gateway on floresvictoria.local (in the stack's zone)", () => {
        const route = plain(one(r.resources, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "flores-victoria").inputs);
        expect(route.spec.hostnames).toEqual([hostOn(stack, "floresvictoria.local")]);
        expect(route.spec.rules.map((rule: any) => [rule.matches[0].path.value, rule.backendRefs[0]])).toEqual([
            ["/", { name: "frontend", port: 80 }],
            ["/api", { name: "api-gateway", port: 80 }],
        ]);
    });

});

describe("flores-victoria: stores and RBAC", () => {
    it("runs Redis with requirepass from the Secret, never on the command line, and append-only persistence", async () => {
        const r = await run("dev");
        const redis = podSpecOf(r, STATEFULSET, "redis").containers[0];
        const script = redis.command.join(" ");
        expect(script).toMatch(/--appendonly yes/);
        expect(script).toMatch(/printf 'requirepass/);
        expect(script).not.toMatch(/redis-server[^\n]*--requirepass/);
        expect(redis.env.find((e: any) => e.name === "REDIS_PASSWORD").valueFrom).toEqual({ secretKeyRef: { name: "redis-secrets", key: "password" } });
        expect(redis.readinessProbe.exec.command.join(" ")).toMatch(/redis-cli .*ping/);
        expect(redis.image).toMatch(/^redis:7\.[0-9.]+-alpine@sha256:[0-9a-f]{64}$/);
    });

    it("runs MongoDB 7.0 with root credentials from its Secret and mongosh ping probes", async () => {
        const r = await run("dev");
        const mongo = podSpecOf(r, STATEFULSET, "mongodb").containers[0];
        expect(mongo.image).toMatch(/^mongo:7\.0\.[0-9]+@sha256:[0-9a-f]{64}$/);
        expect(mongo.ports).toEqual([{ name: "mongodb", containerPort: 27017, protocol: "TCP" }]);
        expect(mongo.env.find((e: any) => e.name === "MONGO_INITDB_ROOT_PASSWORD").valueFrom).toEqual({ secretKeyRef: { name: "mongodb-secrets", key: "password" } });
        expect(mongo.readinessProbe.exec.command).toEqual(["mongosh", "--quiet", "--norc", "--eval", "db.adminCommand('ping')"]);
        expect(mongo.livenessProbe.exec.command).toEqual(mongo.readinessProbe.exec.command);
        expect(mongo.livenessProbe.periodSeconds).not.toBe(mongo.readinessProbe.periodSeconds);
        expect(mongo.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    });

    it("protects the MongoDB and Redis volumes too when protectData is on", async () => {
        const r = await run("dev", { protectData: "true" });
        const claims = byType(r, "kubernetes:core/v1:PersistentVolumeClaim").filter(notBackup).map((c) => [plain(c.inputs).metadata.name, c.protect, c.retainOnDelete]);
        expect(claims).toEqual([
            ["postgres-pvc", true, true],
            ["mongodb-pvc", true, true],
            ["redis-pvc", true, true],
        ]);
    });

    it("gives a tier that declares API rules a Role with exactly those rules, bound to its ServiceAccount", async () => {
        const rules = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "watch"] }];
        const app = { ...floresVictoria, tiers: floresVictoria.tiers.map((t) => (t.name === "product-service" ? { ...t, apiRules: rules } : t)) };
        const r = await runProgram({ stack: "dev" }, async () => {
            new Application("fv", {
                app,
                namespace: "fv",
                images: {},
                replicas: {},
                publicServiceType: "NodePort",
                protectData: false,
                credentials: Object.fromEntries(["postgres", "mongodb", "redis"].map((s) => [s, { username: "u", password: "p" }])),
                secrets: { jwtSecret: "j" },
                sql: {},
            });
            return {};
        });
        expect(r.error).toBeUndefined();
        const role = plain(one(r.resources, "kubernetes:rbac.authorization.k8s.io/v1:Role").inputs);
        expect([role.metadata.name, role.rules]).toEqual(["product-service", rules]);
        const binding = plain(one(r.resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs);
        expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "product-service", namespace: "fv" }]);
        expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "product-service" });
        expect(byName(r, "kubernetes:core/v1:ServiceAccount", "product-service").automountServiceAccountToken).toBe(true);
        expect(byName(r, "kubernetes:core/v1:ServiceAccount", "user-service").automountServiceAccountToken).toBe(false);
    });

    it("requires its own secrets, each with the command that sets it", async () => {
        const r = await run("dev", {}, { mongoPassword: undefined, jwtSecret: undefined });
        expectConfigRejected(r, [
            "ticketbuster:mongoPassword: got nothing; a secret is required by app flores-victoria",
            "pulumi config set --secret --stack dev ticketbuster:jwtSecret <value>",
        ]);
    });
});

describe("the app key", () => {
    it("refuses an unknown app with the list of valid names, before any resource", async () => {
        const r = await runProgram({ stack: "dev", config: { app: "ticket-buster" } });
        expectConfigRejected(r, ['ticketbuster:app: got "ticket-buster"', "allowed: ticketbuster, proyecto06, flores-victoria"]);
    });

    it("validates per-tier overrides against the chosen app's tiers", async () => {
        const r = await runProgram({ stack: "dev", config: { app: "flores-victoria", replicas: '{"order-worker":2}' } });
        expectConfigRejected(r, ['unknown tier "order-worker"', "allowed: frontend, api-gateway, auth-service"]);
        const ok = await runProgram({ stack: "dev", config: { app: "flores-victoria", replicas: '{"cart-service":3}' } });
        expect(ok.error).toBeUndefined();
        expect(podCounts(ok)["cart-service"]).toBe(3);
    });
});
