import { AppSpec, StatelessTier, StoreTier } from "./types";
import { mongodb, nats, redis } from "./stores";

type Api = "auth" | "tickets" | "orders" | "payments";
type Mongo = `${Api}-mongo`;
type TierName = Api | "expiration" | "client" | Mongo | "nats" | "redis";

/** The images build on node:*-alpine and run as its `node` user, UID 1000. */
const NODE_UID = 1000;
const nodeResources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
const http = [{ name: "http", port: 3000, appProtocol: "http" as const }];

/**
 * An Express API with its own MongoDB (MONGO_URI) and NATS for events. /healthz answers while the
 * process runs; /readyz only once its MongoDB and NATS connections are up.
 */
const api = (name: Api, extra: Partial<StatelessTier<TierName>> = {}): StatelessTier<TierName> => ({
    kind: "stateless",
    name,
    envPrefix: name.toUpperCase(),
    image: `ticketing-${name}`,
    uid: NODE_UID,
    replicas: 1,
    ports: http,
    health: { liveness: "/healthz", readiness: "/readyz" },
    resources: nodeResources,
    scratchPaths: ["/tmp"],
    secrets: ["jwt-secret"],
    dependsOn: [`${name}-mongo`, "nats"],
    ...extra,
});

/** One MongoDB per API (database per service): its own StatefulSet, claim and credentials. */
const mongo = (owner: Api): StoreTier<TierName> => mongodb({
    name: `${owner}-mongo`,
    envPrefix: `${owner.toUpperCase()}_MONGO`,
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
    storage: { claimName: `${owner}-mongo-pvc`, size: "1Gi" },
    credentials: { secretName: `${owner}-mongo-credentials`, username: owner, passwordKey: `${owner}MongoPassword` },
    database: owner,
    uriEnv: "MONGO_URI",
});

/**
 * The expiration worker has no port, so its probes are commands. Its loop touches
 * /tmp/expiration.alive on every pass (at most every 10 s) and creates /tmp/expiration.ready once
 * it has subscribed to NATS and reached Redis; node is in the image, a shell may not be.
 */
const WORKER_ALIVE = "process.exit(Date.now() - require('fs').statSync('/tmp/expiration.alive').mtimeMs < 60000 ? 0 : 1)";
const WORKER_READY = "require('fs').accessSync('/tmp/expiration.ready')";

/** Seed 001: Ticketing, Express services with a database each, NATS JetStream events and a Next.js client. */
export const ticketing: AppSpec<TierName> = {
    name: "ticketing",
    description: "Next.js client, four Express APIs each on its own MongoDB, NATS JetStream events, Redis-backed expiration worker",
    sharedConfig: { NODE_ENV: "production", LOG_LEVEL: "info", TZ: "UTC" },
    secrets: [
        { name: "jwt-secret", key: "JWT_KEY", configKey: "jwtKey", generate: true },
        {
            name: "stripe-secret",
            key: "STRIPE_KEY",
            configKey: "stripeKey",
            // Issued by Stripe: a random value would only fail at the first charge.
            generate: false,
            format: { pattern: /^sk_(test|live)_[A-Za-z0-9]{10,}$/, hint: "a Stripe secret key, sk_test_… or sk_live_…" },
        },
    ],
    routes: {
        host: "ticketing.local",
        paths: [
            { path: "/api/users", tier: "auth" },
            { path: "/api/tickets", tier: "tickets" },
            { path: "/api/orders", tier: "orders" },
            { path: "/api/payments", tier: "payments" },
            { path: "/", tier: "client" },
        ],
    },
    tiers: [
        api("auth"),
        api("tickets"),
        api("orders"),
        api("payments", { secrets: ["jwt-secret", "stripe-secret"], external: [{ name: "stripe-api", ports: [443] }] }),
        {
            kind: "stateless",
            name: "expiration",
            envPrefix: "EXPIRATION",
            image: "ticketing-expiration",
            uid: NODE_UID,
            replicas: 1,
            // Consumes order events and publishes expirations: nothing connects to it.
            ports: [],
            health: { liveness: { command: ["node", "-e", WORKER_ALIVE] }, readiness: { command: ["node", "-e", WORKER_READY] } },
            resources: nodeResources,
            scratchPaths: ["/tmp"],
            dependsOn: ["nats", "redis"],
        },
        {
            kind: "stateless",
            name: "client",
            envPrefix: "CLIENT",
            image: "ticketing-client",
            uid: NODE_UID,
            replicas: 1,
            ports: http,
            health: { liveness: "/api/healthz", readiness: "/api/readyz" },
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            // Next.js writes its image and fetch caches under .next/cache.
            scratchPaths: ["/tmp", "/app/.next/cache"],
            secrets: ["jwt-secret"],
            // Server-side rendering calls the APIs in-cluster (the seed went through the ingress
            // controller; direct calls skip that hairpin and name the edges).
            dependsOn: ["auth", "tickets", "orders", "payments"],
        },
        mongo("auth"),
        mongo("tickets"),
        mongo("orders"),
        mongo("payments"),
        nats({
            name: "nats",
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            storage: { claimName: "nats-pvc", size: "1Gi" },
            // nats://nats:4222 as a literal: NATS runs without credentials.
            uriEnv: "NATS_URL",
            durability: {
                durable: false,
                reason:
                    "seed 001: the event bus between the services (NATS Streaming / JetStream); each service's state of record is its own MongoDB, " +
                    "which is backed up. A stream restored from a nightly snapshot would redeliver events those databases already applied.",
            },
        }),
        redis({
            name: "redis",
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
            storage: { claimName: "redis-pvc", size: "1Gi" },
            credentials: { secretName: "redis-credentials", username: "default", passwordKey: "redisPassword" },
            durability: {
                durable: true,
                reason:
                    "seed 001: the expiration service's queue of pending order expirations (delayed jobs). Lost, reserved tickets would stay " +
                    "locked for ever; replayed from an older snapshot, an expiration of an order already paid is ignored by the orders service.",
            },
        }),
    ],
};
