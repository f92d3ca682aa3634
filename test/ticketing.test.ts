import { beforeAll, describe, expect, it } from "vitest";
import { ticketing } from "../apps/ticketing";
import { secretKeysOf } from "../config/secrets";
import { expectConfigRejected } from "./config-errors";
import { isSecretValue, one, plain, RunResult } from "./harness";
import { schemaError } from "./k8s-schema";
import {
    allowedEdges,
    byType,
    containerOf,
    DEPLOYMENT,
    envOf,
    notBackup,
    HTTPROUTE,
    INGRESS,
    objects,
    podCounts,
    PVC,
    ROUTE_CLASS,
    runOn,
    SECRET,
    SERVICE,
    Stack,
    STATEFULSET,
    TARGETS,
    hostOn,
} from "./targets";

const APIS = ["auth", "tickets", "orders", "payments"];
const STRIPE = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const SECRETS = {
    authMongoPassword: "auth-mongo-pw-1a",
    ticketsMongoPassword: "tickets-mongo-pw-2b",
    ordersMongoPassword: "orders-mongo-pw-3c",
    paymentsMongoPassword: "payments-mongo-pw-4d",
    redisPassword: "redis-pw-5e",
    jwtKey: "jwt-key-6f",
    stripeKey: STRIPE,
};
const run = (app = "ticketing", stack: Stack = "dev", config: Record<string, string> = {}, secrets: Record<string, string | undefined> = SECRETS) =>
    runOn(stack, { app, ...config }, secrets);

const runs = {} as Record<Stack, RunResult>;
beforeAll(async () => {
    for (const stack of TARGETS) {
        runs[stack] = await run("ticketing", stack);
        if (runs[stack].error) throw runs[stack].error;
    }
});

describe.each(TARGETS)("ticketing on %s", (stack) => {
    const r = () => runs[stack];
    const deployment = (name: string) => containerOf(r(), DEPLOYMENT, name);

    it("runs 12 pods: six services, four MongoDBs, NATS and Redis, one each, in namespace ticketing", () => {
        const pods = podCounts(r());
        expect(pods).toEqual({
            ...Object.fromEntries([...APIS, "expiration", "client"].map((n) => [n, 1])),
            ...Object.fromEntries(APIS.map((n) => [`${n}-mongo`, 1])),
            nats: 1,
            redis: 1,
        });
        expect(Object.values(pods).reduce((a, b) => a + b, 0)).toBe(12);
        expect(byType(r(), DEPLOYMENT)).toHaveLength(6);
        expect(byType(r(), STATEFULSET)).toHaveLength(6);
        for (const o of byType(r(), DEPLOYMENT)) expect(plain(o.inputs).metadata.namespace).toBe("ticketing");
    });

    it("serves 3000 on every service but expiration (no Service); MongoDB 27017, NATS 4222 + 8222, Redis 6379", () => {
        const services = objects(r(), SERVICE);
        const ports = (n: string) => services[n].spec.ports.map((p: any) => p.port);
        for (const n of [...APIS, "client"]) expect(ports(n), n).toEqual([3000]);
        expect(services.expiration).toBeUndefined();
        expect(deployment("expiration").ports).toEqual([]);
        for (const n of APIS) expect(ports(`${n}-mongo`)).toEqual([27017]);
        expect(ports("nats")).toEqual([4222, 8222]);
        expect(ports("redis")).toEqual([6379]);
    });

    it("gives the Node.js services 100m/128Mi requests and 500m/512Mi limits, the client 256Mi, all as UID 1000", () => {
        for (const n of [...APIS, "expiration"]) {
            expect(deployment(n).resources, n).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
        }
        expect(deployment("client").resources.requests).toEqual({ cpu: "100m", memory: "256Mi" });
        for (const d of byType(r(), DEPLOYMENT)) expect(plain(d.inputs).spec.template.spec.securityContext.runAsUser).toBe(1000);
    });

    it("probes every container with a liveness and a different readiness check; expiration with commands", () => {
        for (const type of [DEPLOYMENT, STATEFULSET]) {
            for (const [name, o] of Object.entries<any>(objects(r(), type))) {
                const c = o.spec.template.spec.containers[0];
                expect(c.livenessProbe, name).toBeDefined();
                expect(c.readinessProbe, name).toBeDefined();
            }
        }
        for (const n of [...APIS, "client", "expiration"]) {
            expect(JSON.stringify(deployment(n).livenessProbe), n).not.toEqual(JSON.stringify(deployment(n).readinessProbe));
        }
        expect(deployment("auth").livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
        expect(deployment("auth").readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
        const worker = deployment("expiration");
        expect(worker.livenessProbe.httpGet).toBeUndefined();
        expect(worker.livenessProbe.exec.command.slice(0, 2)).toEqual(["node", "-e"]);
        expect(worker.livenessProbe.exec.command[2]).toContain("/tmp/expiration.alive");
        expect(worker.readinessProbe.exec.command[2]).toContain("/tmp/expiration.ready");
        // The files live on a writable scratch volume (the root filesystem is read-only).
        expect(worker.volumeMounts.map((m: any) => m.mountPath)).toContain("/tmp");
    });

    it("runs NATS with JetStream on a 1Gi volume, probed on /healthz through the monitoring port", () => {
        const nats = containerOf(r(), STATEFULSET, "nats");
        expect(nats.args).toEqual(expect.arrayContaining(["--jetstream", "--port=4222", "--http_port=8222"]));
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
            expect(nats[probe].httpGet.path, probe).toMatch(/^\/healthz/);
            expect(nats[probe].httpGet.port, probe).toBe("monitor");
        }
    });

    it("claims 1Gi for each MongoDB, NATS and Redis", () => {
        const claims = Object.fromEntries(byType(r(), PVC).filter(notBackup).map((c) => [plain(c.inputs).metadata.name, plain(c.inputs).spec.resources.requests.storage]));
        expect(claims).toEqual({
            "auth-mongo-pvc": "1Gi",
            "tickets-mongo-pvc": "1Gi",
            "orders-mongo-pvc": "1Gi",
            "payments-mongo-pvc": "1Gi",
            "nats-pvc": "1Gi",
            "redis-pvc": "1Gi",
        });
    });

    it("keeps every credential, the JWT key and the Stripe key in Secrets marked secret", () => {
        const names = byType(r(), SECRET).map((s) => plain(s.inputs).metadata.name).sort();
        expect(names).toEqual([...APIS.map((n) => `${n}-mongo-credentials`), "jwt-secret", "redis-credentials", "stripe-secret"].sort());
        for (const s of byType(r(), SECRET)) expect(isSecretValue(s.inputs.stringData), s.name).toBe(true);
        expect(plain(one(r().resources, SECRET, "stripe-secret").inputs).stringData).toEqual({ STRIPE_KEY: STRIPE });
        expect(plain(one(r().resources, SECRET, "jwt-secret").inputs).stringData).toEqual({ JWT_KEY: SECRETS.jwtKey });
        for (const n of APIS) {
            const uri = plain(one(r().resources, SECRET, `${n}-mongo-credentials`).inputs).stringData.uri;
            expect(uri).toBe(`mongodb://${n}:${(SECRETS as Record<string, string>)[`${n}MongoPassword`]}@${n}-mongo:27017/${n}?authSource=admin`);
        }
        for (const res of r().resources) {
            const visible = JSON.stringify(res.inputs, (_k, v) => (isSecretValue(v) ? "[secret]" : v));
            for (const value of Object.values(SECRETS)) expect(visible, `${res.type} ${res.name}`).not.toContain(value);
        }
    });

    it("wires MONGO_URI from each service's own Secret, NATS_URL, REDIS_HOST, JWT_KEY, and STRIPE_KEY only into payments", () => {
        for (const n of APIS) {
            const env = envOf(deployment(n));
            expect(env.MONGO_URI, n).toEqual({ secretKeyRef: { name: `${n}-mongo-credentials`, key: "uri" } });
            expect(env.NATS_URL, n).toBe("nats://nats:4222");
            expect(env.JWT_KEY, n).toEqual({ secretKeyRef: { name: "jwt-secret", key: "JWT_KEY" } });
        }
        const worker = envOf(deployment("expiration"));
        expect(worker.NATS_URL).toBe("nats://nats:4222");
        expect(worker.REDIS_HOST).toBe("redis");
        expect(worker.REDIS_PASSWORD).toEqual({ secretKeyRef: { name: "redis-credentials", key: "password" } });
        expect(worker).not.toHaveProperty("MONGO_URI");
        expect(worker).not.toHaveProperty("JWT_KEY");
        const client = envOf(deployment("client"));
        expect(client.JWT_KEY).toEqual({ secretKeyRef: { name: "jwt-secret", key: "JWT_KEY" } });
        expect(client).not.toHaveProperty("NATS_URL");
        expect(client.AUTH_URL).toBe("http://auth:3000");
        const withStripe = byType(r(), DEPLOYMENT).filter((d) => "STRIPE_KEY" in envOf(plain(d.inputs).spec.template.spec.containers[0]));
        expect(withStripe.map((d) => plain(d.inputs).metadata.name)).toEqual(["payments"]);
        expect(envOf(deployment("payments")).STRIPE_KEY).toEqual({ secretKeyRef: { name: "stripe-secret", key: "STRIPE_KEY" } });
    });

    it("lets each service reach only its own MongoDB, NATS on 4222 (never 8222), and payments HTTPS outside", () => {
        const expected = [
            ...APIS.flatMap((n) => [`${n}->${n}-mongo:27017`, `${n}->nats:4222`, `client->${n}:3000`]),
            "expiration->nats:4222",
            "expiration->redis:6379",
        ].sort();
        expect(allowedEdges(r(), "ingress")).toEqual(expected);
        expect(allowedEdges(r(), "egress")).toEqual([...expected, "payments->0.0.0.0/0:443"].sort());
        const policies = objects(r(), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        expect(policies["allow-to-expiration"]).toBeUndefined();
        expect(policies["allow-routes-expiration"]).toBeUndefined();
        expect(policies["allow-from-payments"].spec.egress.at(-1).to[0].ipBlock.except).toEqual(["169.254.169.254/32"]);
    });

    it("routes /api/users, /api/tickets, /api/orders, /api/payments and / on ticketing.local through an HTTPRoute", () => {
        const route = plain(one(r().resources, HTTPROUTE, "ticketing").inputs).spec;
        expect(route.hostnames).toEqual([hostOn(stack, "ticketing.local")]);
        expect(route.rules.map((x: any) => [x.matches[0].path.value, x.backendRefs[0].name, x.backendRefs[0].port])).toEqual([
            ["/api/users", "auth", 3000],
            ["/api/tickets", "tickets", 3000],
            ["/api/orders", "orders", 3000],
            ["/api/payments", "payments", 3000],
            ["/", "client", 3000],
        ]);
        const gateway = plain(one(r().resources, "kubernetes:gateway.networking.k8s.io/v1:Gateway").inputs);
        expect(gateway.spec.gatewayClassName).toBe(ROUTE_CLASS[stack].gateway);
        expect(byType(r(), INGRESS)).toHaveLength(0);
    });

});

describe("ticketing: images and registries", () => {
    const images = ticketing.tiers.filter((t) => t.kind === "stateless").map((t) => t.image);

    it("names every image repository ticketing-<service>", () => {
        expect(images).toEqual(["ticketing-auth", "ticketing-tickets", "ticketing-orders", "ticketing-payments", "ticketing-expiration", "ticketing-client"]);
    });

    it("creates one ECR repository per image on EKS and runs the Deployments from them", () => {
        const repos = byType(runs.eks, "aws:ecr/repository:Repository").map((x) => plain(x.inputs).name);
        expect(repos).toEqual(images.map((i) => `ticketbuster-eks/${i}`));
        expect(containerOf(runs.eks, DEPLOYMENT, "payments").image).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/ticketbuster-eks/ticketing-payments:1.0.0");
    });
});

describe.each(TARGETS)("ticketing on %s with routing=ingress", (stack) => {
    it("renders one Ingress of the target's class with the same paths, and no Gateway API objects", async () => {
        const result = await run("ticketing", stack, { routing: "ingress" });
        if (result.error) throw result.error;
        const ingress = plain(one(result.resources, INGRESS).inputs).spec;
        expect(ingress.ingressClassName).toBe(ROUTE_CLASS[stack].ingress);
        expect(ingress.rules[0].host).toBe(hostOn(stack, "ticketing.local"));
        expect(ingress.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name])).toEqual([
            ["/api/users", "auth"],
            ["/api/tickets", "tickets"],
            ["/api/orders", "orders"],
            ["/api/payments", "payments"],
            ["/", "client"],
        ]);
        expect(byType(result, HTTPROUTE)).toHaveLength(0);
        expect(schemaError(one(result.resources, INGRESS))).toBeUndefined();
    });
});

describe("ticketing: the Stripe key", () => {
    it("is required, never generated, and must look like sk_test_… or sk_live_…", () => {
        const keys = Object.fromEntries(secretKeysOf(ticketing).map((k) => [k.key, k]));
        expect(keys.stripeKey.generate).toBe(false);
        expect(keys.jwtKey.generate).toBe(true);
        expect(keys.stripeKey.format?.pattern.test("sk_live_51HxyzABCDEFGHIJ")).toBe(true);
        expect(keys.stripeKey.format?.pattern.test("pk_test_51HxyzABCDEFGHIJ")).toBe(false);
    });

    it("accepts a live key", async () => {
        const result = await run("ticketing", "dev", {}, { ...SECRETS, stripeKey: "sk_live_51HxyzABCDEFGHIJklmn" });
        expect(result.error).toBeUndefined();
    });

    it.each(["pk_test_4eC39HqLyjWDarjtT1zdp7dc", "not-a-stripe-key-123456", "sk_test_short"])("refuses %s without echoing it, before any resource", async (bad) => {
        const result = await run("ticketing", "dev", {}, { ...SECRETS, stripeKey: bad });
        expectConfigRejected(result, ["ticketbuster:stripeKey", "app ticketing", "sk_test_… or sk_live_…"]);
        expect(result.error?.message).not.toContain(bad);
    });

    it("says how to set it when missing", async () => {
        const result = await run("ticketing", "dev", {}, { ...SECRETS, stripeKey: undefined });
        expectConfigRejected(result, ["ticketbuster:stripeKey: got nothing", "pulumi config set --secret --stack dev ticketbuster:stripeKey <value>"]);
    });
});
