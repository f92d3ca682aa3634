import { nginxFrontend } from "./nginx-frontend";
import { AppSpec, StatelessTier } from "./types";
import { mongodb, postgres, redis } from "./stores";

type Backend =
    | "auth-service"
    | "product-service"
    | "user-service"
    | "order-service"
    | "cart-service"
    | "wishlist-service"
    | "review-service"
    | "contact-service";
type TierName = "frontend" | "api-gateway" | Backend | "postgres" | "mongodb" | "redis";

/**
 * Which store each service uses is not in the seed; the choice: accounts, users and orders are
 * relational (PostgreSQL); catalogue, reviews, wishlists and contact messages are documents
 * (MongoDB); the cart is short-lived session data (Redis), which the gateway's rate limiter shares.
 */
const STORE_OF: Record<Backend, "postgres" | "mongodb" | "redis"> = {
    "auth-service": "postgres",
    "user-service": "postgres",
    "order-service": "postgres",
    "product-service": "mongodb",
    "review-service": "mongodb",
    "wishlist-service": "mongodb",
    "contact-service": "mongodb",
    "cart-service": "redis",
};

const PORT_OF: Record<Backend, number> = {
    "auth-service": 4001,
    "product-service": 3002,
    "user-service": 3003,
    "order-service": 3004,
    "cart-service": 3005,
    "wishlist-service": 3006,
    "review-service": 3007,
    "contact-service": 3008,
};

const ENV_PREFIX: Record<Backend, string> = {
    "auth-service": "AUTH_SERVICE",
    "product-service": "PRODUCT_SERVICE",
    "user-service": "USER_SERVICE",
    "order-service": "ORDER_SERVICE",
    "cart-service": "CART_SERVICE",
    "wishlist-service": "WISHLIST_SERVICE",
    "review-service": "REVIEW_SERVICE",
    "contact-service": "CONTACT_SERVICE",
};

/** The seed's numbers for backend services: 1 replica, 100m/128Mi requests, 200m/256Mi limits. */
const backend = (name: Backend, extra: Partial<StatelessTier<TierName>> = {}): StatelessTier<TierName> => ({
    kind: "stateless",
    name,
    envPrefix: ENV_PREFIX[name],
    image: `flores-victoria-${name}`,
    uid: 10001,
    replicas: 1,
    ports: [{ name: "http", port: PORT_OF[name], appProtocol: "http" }],
    health: { liveness: "/health", readiness: "/health" },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    scratchPaths: ["/tmp"],
    metrics: { port: "http", path: "/metrics" },
    dependsOn: [STORE_OF[name]],
    ...extra,
});

const BACKENDS = Object.keys(PORT_OF) as Backend[];
const storeResources = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } };

/** Seed 003: Flores Victoria, an online flower shop: nginx frontend, API gateway, eight Node.js services. */
export const floresVictoria: AppSpec<TierName> = {
    name: "flores-victoria",
    description: "nginx frontend, API gateway, eight Node.js services on PostgreSQL, MongoDB and Redis",
    sharedConfig: { NODE_ENV: "production", LOG_LEVEL: "info", TZ: "America/Santiago" },
    secrets: [{ name: "jwt-secret", key: "JWT_SECRET", configKey: "jwtSecret", generate: true }],
    routes: {
        host: "floresvictoria.local",
        paths: [
            { path: "/", tier: "frontend" },
            { path: "/api", tier: "api-gateway" },
        ],
    },
    tiers: [
        nginxFrontend({
            name: "frontend",
            image: "flores-victoria-frontend",
            // The seed: LoadBalancer in the cloud, NodePort for local development.
            publicServiceType: { local: "NodePort", cloud: "LoadBalancer" },
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
            dependsOn: ["api-gateway"],
        }),
        {
            kind: "stateless",
            name: "api-gateway",
            envPrefix: "API_GATEWAY",
            image: "flores-victoria-api-gateway",
            uid: 10001,
            replicas: 2,
            ports: [{ name: "http", port: 3000, servicePort: 80, appProtocol: "http" }],
            health: { liveness: "/health", readiness: "/health" },
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
            scratchPaths: ["/tmp"],
            secrets: ["jwt-secret"],
            metrics: { port: "http", path: "/metrics" },
            autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70, targetMemoryUtilization: 80 },
            // Every backend, and Redis for rate limiting.
            dependsOn: [...BACKENDS, "redis"],
        },
        backend("auth-service", { secrets: ["jwt-secret"] }),
        backend("product-service", {
            autoscaling: { minReplicas: 1, maxReplicas: 4, targetCpuUtilization: 70, targetMemoryUtilization: 80 },
        }),
        backend("user-service"),
        backend("order-service"),
        backend("cart-service"),
        backend("wishlist-service"),
        backend("review-service"),
        backend("contact-service"),
        postgres({
            name: "postgres",
            resources: storeResources,
            storage: { claimName: "postgres-pvc", size: "5Gi" },
            credentials: { secretName: "db-secrets", username: "flores", usernameKey: "dbUsername", passwordKey: "dbPassword" },
            database: "flores_victoria",
            uriEnv: "DATABASE_URL",
        }),
        mongodb({
            name: "mongodb",
            resources: storeResources,
            storage: { claimName: "mongodb-pvc", size: "2Gi" },
            credentials: { secretName: "mongodb-secrets", username: "flores", passwordKey: "mongoPassword" },
            database: "flores_victoria",
            uriEnv: "MONGODB_URI",
        }),
        redis({
            name: "redis",
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
            storage: { claimName: "redis-pvc", size: "1Gi" },
            credentials: { secretName: "redis-secrets", username: "default", passwordKey: "redisPassword" },
            uriEnv: "REDIS_URL",
            durability: {
                durable: true,
                reason:
                    "seed 003: the customers' carts (cart-service) on a persistent volume, and the seed backs up every persistent volume; " +
                    "a lost cart is a lost sale. The gateway's rate-limit counters come along and expire on their own.",
            },
        }),
    ],
};
