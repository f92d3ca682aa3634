import { beforeAll, describe, expect, it } from "vitest";
import { bookstore } from "../apps/bookstore";
import { HTTP_REQUESTS_ERROR_RATIO, MICROMETER_ERROR_RATIO } from "../apps/metrics";
import { isSecretValue, one, plain, RunResult } from "./harness";
import { schemaError } from "./k8s-schema";
import {
    allowedEdges,
    byType,
    containerOf,
    DEPLOYMENT,
    envOf,
    notBackup,
    HPA,
    HTTPROUTE,
    INGRESS,
    objects,
    PDB,
    podCounts,
    PVC,
    ROUTE_CLASS,
    runOn,
    SECRET,
    SERVICE,
    Stack,
    TARGETS,
    hostOn,
} from "./targets";

const JAVA = ["gateway", "user-service", "payment-service-java"];
const PYTHON = ["payment-service-python", "review-service"];
const SERVICES = [...JAVA, ...PYTHON];
const PATHS = ["/api/users", "/api/payments-python", "/api/payments-java", "/api/reviews"];
const SECRETS = { dbPassword: "pg-pw-1a2b", mongoPassword: "mongo-pw-3c4d", rabbitmqPassword: "mq-pw-5e6f", jwtSecret: "jwt-7a8b" };
const run = (stack: Stack, config: Record<string, string> = {}) => runOn(stack, { app: "bookstore", ...config }, SECRETS);

const runs = {} as Record<Stack, RunResult>;
beforeAll(async () => {
    for (const stack of TARGETS) {
        runs[stack] = await run(stack);
        if (runs[stack].error) throw runs[stack].error;
    }
});

describe.each(TARGETS)("bookstore on %s", (stack) => {
    const r = () => runs[stack];
    const container = (name: string) => containerOf(r(), DEPLOYMENT, name);
    const podSpec = (name: string) => objects(r(), DEPLOYMENT)[name].spec.template.spec;

    it("runs 13 pods: five services at two each, PostgreSQL, MongoDB and RabbitMQ, in namespace bookstore", () => {
        const pods = podCounts(r());
        expect(pods).toEqual({ ...Object.fromEntries(SERVICES.map((n) => [n, 2])), postgres: 1, mongodb: 1, rabbitmq: 1 });
        expect(Object.values(pods).reduce((a, b) => a + b, 0)).toBe(13);
        for (const o of byType(r(), DEPLOYMENT)) expect(plain(o.inputs).metadata.namespace).toBe("bookstore");
    });

    it("exposes the gateway as the LoadBalancer gateway-service on 80 -> 8080; everything else inside", () => {
        const services = objects(r(), SERVICE);
        expect(services["gateway-service"].spec.type).toBe("LoadBalancer");
        expect(services["gateway-service"].spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: "http" })]);
        expect(container("gateway").ports).toEqual([expect.objectContaining({ name: "http", containerPort: 8080 })]);
        for (const n of ["user-service", "payment-service-java"]) expect(services[n].spec.ports[0].port, n).toBe(8080);
        for (const n of PYTHON) expect(services[n].spec.ports[0].port, n).toBe(5000);
        const loadBalancers = Object.keys(services).filter((n) => services[n].spec.type === "LoadBalancer");
        expect(loadBalancers).toEqual(["gateway-service"]);
    });

    it("sizes Java at 500m/768Mi..1000m/2Gi with a 75% heap, Python at 250m/256Mi..500m/512Mi", () => {
        for (const n of JAVA) {
            expect(container(n).resources, n).toEqual({ requests: { cpu: "500m", memory: "768Mi" }, limits: { cpu: "1000m", memory: "2Gi" } });
            const opts = envOf(container(n)).JAVA_TOOL_OPTIONS as string;
            expect(opts, n).toContain("-XX:MaxRAMPercentage=75.0");
            expect(opts, n).toContain("-XX:+ExitOnOutOfMemoryError");
            expect(podSpec(n).securityContext.runAsUser, n).toBe(1001);
        }
        for (const n of PYTHON) {
            expect(container(n).resources, n).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
            expect(envOf(container(n))).not.toHaveProperty("JAVA_TOOL_OPTIONS");
            expect(podSpec(n).securityContext.runAsUser, n).toBe(10001);
        }
    });

    it("probes Spring Boot on the actuator's liveness/readiness groups with a startup probe; Flask on /health", () => {
        for (const n of JAVA) {
            const c = container(n);
            expect(c.livenessProbe.httpGet, n).toEqual({ path: "/actuator/health/liveness", port: "http" });
            expect(c.readinessProbe.httpGet, n).toEqual({ path: "/actuator/health/readiness", port: "http" });
            expect(c.startupProbe.httpGet, n).toEqual({ path: "/actuator/health/liveness", port: "http" });
            // Up to 5 minutes of JVM start before liveness counts.
            expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold, n).toBe(300);
        }
        for (const n of PYTHON) {
            expect(container(n).livenessProbe.httpGet.path, n).toBe("/health");
            expect(container(n).readinessProbe.httpGet.path, n).toBe("/health");
            expect(container(n).startupProbe, n).toBeUndefined();
        }
    });

    it("autoscales every service 2..10 on 70% CPU and 80% memory (autoscaling/v2), the HPA owning the count", () => {
        const hpas = objects(r(), HPA);
        expect(Object.keys(hpas).sort()).toEqual([...SERVICES].sort());
        for (const n of SERVICES) {
            const spec = hpas[n].spec;
            expect(spec.scaleTargetRef, n).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: n });
            expect([spec.minReplicas, spec.maxReplicas], n).toEqual([2, 10]);
            expect(spec.metrics, n).toEqual([
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
            ]);
            expect(objects(r(), DEPLOYMENT)[n].spec.replicas, n).toBeUndefined();
        }
    });

    it("spreads each service over zones and hosts with a preferred anti-affinity, and guards it with a PDB", () => {
        const pdbs = objects(r(), PDB);
        expect(Object.keys(pdbs).sort()).toEqual([...SERVICES].sort());
        for (const n of SERVICES) {
            const spec = podSpec(n);
            expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey), n).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
            const preferred = spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
            expect(preferred[0].podAffinityTerm, n).toEqual({ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: n } } });
            expect(pdbs[n].spec, n).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { app: n } } });
        }
    });

    it("claims 20Gi for PostgreSQL, 10Gi for MongoDB and 5Gi for RabbitMQ", () => {
        const claims = Object.fromEntries(byType(r(), PVC).filter(notBackup).map((c) => [plain(c.inputs).metadata.name, plain(c.inputs).spec.resources.requests.storage]));
        expect(claims).toEqual({ "postgres-pvc": "20Gi", "mongodb-pvc": "10Gi", "rabbitmq-pvc": "5Gi" });
    });

    it("keeps every credential in a Secret marked secret and shared settings in app-config", () => {
        const secrets = byType(r(), SECRET);
        expect(secrets.map((s) => plain(s.inputs).metadata.name).sort()).toEqual(
            ["jwt-secret", "mongodb-credentials", "postgres-credentials", "rabbitmq-credentials"].sort(),
        );
        for (const s of secrets) expect(isSecretValue(s.inputs.stringData), s.name).toBe(true);
        expect(plain(one(r().resources, SECRET, "postgres-credentials").inputs).stringData.password).toBe(SECRETS.dbPassword);
        for (const res of r().resources) {
            const visible = JSON.stringify(res.inputs, (_k, v) => (isSecretValue(v) ? "[secret]" : v));
            for (const value of Object.values(SECRETS)) expect(visible, `${res.type} ${res.name}`).not.toContain(value);
        }
        const config = plain(one(r().resources, "kubernetes:core/v1:ConfigMap", "app-config").inputs);
        expect(config.data).toEqual(bookstore.sharedConfig);
        for (const n of SERVICES) expect(container(n).envFrom, n).toEqual([{ configMapRef: { name: "app-config" } }]);
    });

    it("wires each service to its stores from their Secrets and the gateway to every service", () => {
        const env = (n: string) => envOf(container(n));
        expect(env("user-service").DATABASE_PASSWORD).toEqual({ secretKeyRef: { name: "postgres-credentials", key: "password" } });
        expect(env("user-service").DATABASE_NAME).toBe("bookstore");
        expect(env("payment-service-java").RABBITMQ_URL).toEqual({ secretKeyRef: { name: "rabbitmq-credentials", key: "uri" } });
        expect(env("payment-service-python").RABBITMQ_URL).toEqual({ secretKeyRef: { name: "rabbitmq-credentials", key: "uri" } });
        expect(env("review-service").MONGODB_URI).toEqual({ secretKeyRef: { name: "mongodb-credentials", key: "uri" } });
        expect(env("payment-service-python")).not.toHaveProperty("DATABASE_HOST");
        expect(env("gateway").USER_SERVICE_URL).toBe("http://user-service:8080");
        expect(env("gateway").PAYMENT_SERVICE_PYTHON_URL).toBe("http://payment-service-python:5000");
    });

    it("allows exactly the documented edges: both payments publish and reviews consume on RabbitMQ", () => {
        const expected = [
            "gateway->user-service:8080",
            "gateway->payment-service-java:8080",
            "gateway->payment-service-python:5000",
            "gateway->review-service:5000",
            "user-service->postgres:5432",
            "payment-service-java->postgres:5432",
            "payment-service-java->rabbitmq:5672",
            "payment-service-python->rabbitmq:5672",
            "review-service->mongodb:27017",
            "review-service->rabbitmq:5672",
        ].sort();
        expect(allowedEdges(r(), "ingress")).toEqual(expected);
        expect(allowedEdges(r(), "egress")).toEqual(expected);
        const policies = objects(r(), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        expect(policies["allow-public-gateway"].spec.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 8080 }] }]);
    });

    it("declares where Prometheus scrapes each service, and how its 5xx share reads (Micrometer for Java)", () => {
        const metrics = Object.fromEntries(bookstore.tiers.flatMap((t) => (t.kind === "stateless" ? [[t.name, t.metrics]] : [])));
        for (const n of JAVA) expect(metrics[n], n).toEqual({ port: "http", path: "/actuator/prometheus", errorRatio: MICROMETER_ERROR_RATIO });
        for (const n of PYTHON) expect(metrics[n], n).toEqual({ port: "http", path: "/metrics", errorRatio: HTTP_REQUESTS_ERROR_RATIO });
    });

    it("routes the seed's paths on bookstore.local to the gateway through an HTTPRoute", () => {
        const route = plain(one(r().resources, HTTPROUTE, "bookstore").inputs).spec;
        expect(route.hostnames).toEqual([hostOn(stack, "bookstore.local")]);
        expect(route.rules.map((x: any) => [x.matches[0].path.value, x.backendRefs[0].name, x.backendRefs[0].port])).toEqual(
            PATHS.map((p) => [p, "gateway-service", 80]),
        );
        const gateway = plain(one(r().resources, "kubernetes:gateway.networking.k8s.io/v1:Gateway").inputs);
        expect(gateway.spec.gatewayClassName).toBe(ROUTE_CLASS[stack].gateway);
    });

});

describe("bookstore: images and registries", () => {
    const images = bookstore.tiers.filter((t) => t.kind === "stateless").map((t) => t.image);

    it("names every image repository bookstore-<service>", () => {
        expect(images).toEqual(SERVICES.map((n) => `bookstore-${n}`));
    });

    it("creates one ECR repository per image on EKS and runs the Deployments from them", () => {
        const repos = byType(runs.eks, "aws:ecr/repository:Repository").map((x) => plain(x.inputs).name);
        expect(repos).toEqual(images.map((i) => `ticketbuster-eks/${i}`));
        expect(containerOf(runs.eks, DEPLOYMENT, "review-service").image).toBe(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/ticketbuster-eks/bookstore-review-service:1.0.0",
        );
    });
});

describe.each(TARGETS)("bookstore on %s with routing=ingress", (stack) => {
    it("renders one Ingress of the target's class with the seed's paths to the gateway", async () => {
        const result = await run(stack, { routing: "ingress" });
        if (result.error) throw result.error;
        const ingress = plain(one(result.resources, INGRESS).inputs).spec;
        expect(ingress.ingressClassName).toBe(ROUTE_CLASS[stack].ingress);
        expect(ingress.rules[0].host).toBe(hostOn(stack, "bookstore.local"));
        expect(ingress.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name, p.backend.service.port.number])).toEqual(
            PATHS.map((p) => [p, "gateway-service", 80]),
        );
        expect(byType(result, HTTPROUTE)).toHaveLength(0);
        expect(schemaError(one(result.resources, INGRESS))).toBeUndefined();
    });
});
