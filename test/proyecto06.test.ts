import { beforeAll, describe, expect, it } from "vitest";
import { cloudStateFor } from "./cloud-mocks";
import { isKubernetes, isSecretValue, one, plain, RunResult, runProgram, TEST_SECRETS } from "./harness";
import { allowedEdges, byName, byType, containerOf, DEPLOYMENT, envOf, hostOn, podCounts, podSpecOf, ROUTE_CLASS, SERVICE, STATEFULSET, STACK_TLS, TARGETS } from "./targets";

const run = (stack: string, config: Record<string, string> = {}) => runProgram({ stack, state: cloudStateFor(stack), config: { app: "proyecto06", ...config } });

describe.each(TARGETS)("proyecto06 on %s", (stack) => {
    let r: RunResult;
    beforeAll(async () => {
        r = await run(stack);
        if (r.error) throw r.error;
    });

    it("runs 5 pods in namespace proyecto06: database 1, backend 2, frontend 2", () => {
        expect(podCounts(r)).toEqual({ database: 1, backend: 2, frontend: 2 });
        expect(byName(r, "kubernetes:core/v1:Namespace", "proyecto06").metadata.labels["app.kubernetes.io/part-of"]).toBe("proyecto06");
        const appObjects = r.resources.filter(isKubernetes).filter((x) => plain(x.inputs).metadata?.labels?.["app.kubernetes.io/part-of"] === "proyecto06");
        expect(appObjects.length).toBeGreaterThan(15);
        for (const o of appObjects.filter((x) => x.type !== "kubernetes:core/v1:Namespace")) {
            expect(plain(o.inputs).metadata.namespace, `${o.type} ${o.name}`).toBe("proyecto06");
        }
    });

    it("serves frontend-service :80 (LoadBalancer) -> nginx 8080, backend-service :8000, headless database-service :5432", () => {
        const frontend = byName(r, SERVICE, "frontend-service").spec;
        expect([frontend.type, frontend.ports]).toEqual(["LoadBalancer", [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" }]]);
        expect(podSpecOf(r, DEPLOYMENT, "frontend").containers[0].ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
        const backend = byName(r, SERVICE, "backend-service").spec;
        expect([backend.type, backend.ports.map((p: any) => p.port)]).toEqual(["ClusterIP", [8000]]);
        const db = byName(r, SERVICE, "database-service").spec;
        expect([db.clusterIP, db.ports.map((p: any) => p.port)]).toEqual(["None", [5432]]);
        expect(byName(r, STATEFULSET, "database").spec.serviceName).toBe("database-service");
    });

    it("keeps the database on postgres-pvc (5Gi), postgres 16 alpine pinned by digest, database proyecto06_db", () => {
        const claim = byName(r, "kubernetes:core/v1:PersistentVolumeClaim", "postgres-pvc");
        expect(claim.spec.resources.requests.storage).toBe("5Gi");
        const container = podSpecOf(r, STATEFULSET, "database").containers[0];
        expect(container.image).toMatch(/^postgres:16\.[0-9]+-alpine@sha256:[0-9a-f]{64}$/);
        expect(container.env.find((e: any) => e.name === "POSTGRES_DB").value).toBe("proyecto06_db");
    });

    it("hands the backend its connection string from a Secret, never as a plain value", () => {
        const secret = one(r.resources, "kubernetes:core/v1:Secret", "database-credentials");
        expect(isSecretValue(secret.inputs.stringData)).toBe(true);
        expect(plain(secret.inputs.stringData)).toEqual({
            username: "proyecto06",
            password: TEST_SECRETS.dbPassword,
            uri: `postgresql://proyecto06:${TEST_SECRETS.dbPassword}@database-service:5432/proyecto06_db`,
        });
        expect(envOf(containerOf(r, DEPLOYMENT, "backend")).DATABASE_URL).toEqual({ secretKeyRef: { name: "database-credentials", key: "uri" } });
        for (const o of r.resources) {
            const visible = JSON.stringify(o.inputs, (_k, v) => (isSecretValue(v) ? "[secret]" : v));
            expect(visible, `${o.type} ${o.name}`).not.toContain(TEST_SECRETS.dbPassword);
        }
    });

    it("rolls out as the seed's pipeline: database, then backend, then frontend (dependencies, not sleeps)", () => {
        const deps = (name: string) => r.resources.find((x) => x.type === "ticketbuster:app:StatelessService" && x.name === name)!.dependencies;
        expect(deps("backend").some((d) => d.endsWith("ticketbuster:data:Postgres$kubernetes:apps/v1:StatefulSet::database"))).toBe(true);
        expect(deps("frontend").some((d) => d.endsWith("ticketbuster:app:StatelessService$kubernetes:apps/v1:Deployment::backend"))).toBe(true);
    });

    it("allows exactly frontend->backend and backend->database, both directions", () => {
        const expected = ["backend->database:5432", "frontend->backend:8000"];
        expect(allowedEdges(r, "ingress")).toEqual(expected);
        expect(allowedEdges(r, "egress")).toEqual(expected);
    });

    it("routes / to the frontend and /api to the backend through the target's GatewayClass", () => {
        const gateway = plain(one(r.resources, "kubernetes:gateway.networking.k8s.io/v1:Gateway").inputs);
        expect(gateway.spec.gatewayClassName).toBe(ROUTE_CLASS[stack].gateway);
        expect(gateway.spec.listeners[0]).toMatchObject({ protocol: "HTTP", hostname: hostOn(stack, "proyecto06.local") });
        const route = plain(one(r.resources, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "proyecto06").inputs);
        // With HTTPS the app is served on the https listener; http only redirects (test/tls.test.ts).
        expect(route.spec.parentRefs).toEqual([{ name: "proyecto06", sectionName: STACK_TLS[stack].https ? "https" : "http" }]);
        expect(route.spec.rules.map((rule: any) => [rule.matches[0].path.value, rule.backendRefs[0]])).toEqual([
            ["/", { name: "frontend-service", port: 80 }],
            ["/api", { name: "backend-service", port: 8000 }],
        ]);
        expect(byType(r, "kubernetes:networking.k8s.io/v1:Ingress")).toHaveLength(0);
    });

    it("renders the same routes as an Ingress with routing=ingress and a custom host", async () => {
        const ing = await run(stack, { routing: "ingress", routeHost: "shop.example.com" });
        expect(ing.error).toBeUndefined();
        expect(byType(ing, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toHaveLength(0);
        const ingress = plain(one(ing.resources, "kubernetes:networking.k8s.io/v1:Ingress").inputs);
        expect(ingress.spec.ingressClassName).toBe(ROUTE_CLASS[stack].ingress);
        expect(ingress.spec.rules).toEqual([
            {
                host: "shop.example.com",
                http: {
                    paths: [
                        { path: "/", pathType: "Prefix", backend: { service: { name: "frontend-service", port: { number: 80 } } } },
                        { path: "/api", pathType: "Prefix", backend: { service: { name: "backend-service", port: { number: 8000 } } } },
                    ],
                },
            },
        ]);
    });

    it("admits the routing controller to the routed tiers, and nothing else from outside but the public frontend", () => {
        const policies = Object.fromEntries(byType(r, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [plain(p.inputs).metadata.name, plain(p.inputs).spec]));
        const sources = policies["allow-routes-backend"].ingress[0].from;
        if (stack === "dev") expect(sources).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }]);
        if (stack === "eks") expect(sources).toEqual([{ ipBlock: { cidr: "10.0.0.0/24" } }, { ipBlock: { cidr: "10.0.1.0/24" } }]);
        if (stack === "gke") expect(sources).toEqual([{ ipBlock: { cidr: "35.191.0.0/16" } }, { ipBlock: { cidr: "130.211.0.0/22" } }]);
        expect(policies["allow-routes-backend"].ingress[0].ports).toEqual([{ protocol: "TCP", port: 8000 }]);
        expect(Object.keys(policies).filter((n) => n.startsWith("allow-public-"))).toEqual(["allow-public-frontend"]);
    });

});

describe("proyecto06 images", () => {
    it("creates exactly the ECR repositories proyecto06-frontend and proyecto06-backend on EKS", async () => {
        const r = await run("eks");
        const repos = byType(r, "aws:ecr/repository:Repository").map((x) => plain(x.inputs).name);
        expect(repos).toEqual(["ticketbuster-eks/proyecto06-frontend", "ticketbuster-eks/proyecto06-backend"]);
        expect(podSpecOf(r, DEPLOYMENT, "backend").containers[0].image).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/ticketbuster-eks/proyecto06-backend:1.0.0");
    });

    it("pulls from the Artifact Registry repository on GKE and imageRegistry on local", async () => {
        const gke = await run("gke");
        expect(podSpecOf(gke, DEPLOYMENT, "frontend").containers[0].image).toBe("us-central1-docker.pkg.dev/ticketbuster-demo/ticketbuster/proyecto06-frontend:1.0.0");
        const dev = await run("dev", { imageRegistry: "ghcr.io/acme" });
        expect(podSpecOf(dev, DEPLOYMENT, "frontend").containers[0].image).toBe("ghcr.io/acme/proyecto06-frontend:1.0.0");
    });

    it("keeps the namespace override", async () => {
        const r = await run("dev", { namespace: "p06-staging" });
        expect(byName(r, "kubernetes:core/v1:Namespace", "p06-staging").metadata.labels["app.kubernetes.io/part-of"]).toBe("proyecto06");
    });
});
