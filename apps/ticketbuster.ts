import { AppSpec, ResourceSpec, StatelessTier } from "./types";

export const TIER_NAMES = [
    "frontend",
    "api-gateway",
    "catalog-service",
    "notification-service",
    "order-worker",
    "postgres",
    "rabbitmq",
] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** Node.js tiers: requests 100m/128Mi, limits 500m/512Mi (guide, "Resource Limits"). */
const nodeResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

const nodeService = (
    t: Omit<StatelessTier<TierName>, "kind" | "resources" | "scratchPaths" | "public"> & { public?: boolean },
): StatelessTier<TierName> => ({
    kind: "stateless",
    resources: nodeResources,
    scratchPaths: ["/tmp"],
    public: false,
    ...t,
});

export const ticketbuster: AppSpec<TierName> = {
    name: "ticketbuster",
    database: { name: "ticketbuster", tier: "postgres" },
    jobs: { seed: { name: "db-seed", dependsOn: ["postgres"] } },
    sharedConfig: {
        NODE_ENV: "production",
        LOG_LEVEL: "info",
        TZ: "UTC",
    },
    tiers: [
        nodeService({
            name: "frontend",
            envPrefix: "FRONTEND",
            image: "frontend",
            replicas: 2,
            public: true,
            ports: [{ name: "http", port: 5173, appProtocol: "http" }],
            healthPath: "/",
            // The Vite server proxies /api and /socket.io to these.
            dependsOn: ["api-gateway", "notification-service"],
        }),
        nodeService({
            name: "api-gateway",
            envPrefix: "API_GATEWAY",
            image: "api-gateway",
            replicas: 2,
            ports: [{ name: "http", port: 8000, appProtocol: "http" }],
            healthPath: "/health",
            dependsOn: ["catalog-service", "notification-service", "rabbitmq"],
        }),
        nodeService({
            name: "catalog-service",
            envPrefix: "CATALOG_SERVICE",
            image: "catalog-service",
            replicas: 2,
            ports: [
                { name: "http", port: 3000, appProtocol: "http" },
                { name: "grpc", port: 50051, appProtocol: "grpc" },
            ],
            healthPath: "/health",
            dependsOn: ["postgres"],
        }),
        nodeService({
            name: "notification-service",
            envPrefix: "NOTIFICATION_SERVICE",
            image: "notification-service",
            replicas: 2,
            ports: [{ name: "http", port: 4000, appProtocol: "http" }],
            healthPath: "/health",
            dependsOn: ["rabbitmq"],
        }),
        {
            kind: "stateless",
            name: "order-worker",
            envPrefix: "ORDER_WORKER",
            image: "order-worker",
            replicas: 1,
            public: false,
            ports: [{ name: "http", port: 5000, appProtocol: "http" }],
            healthPath: "/health",
            // No CPU limit: QR generation bursts, and a throttled pod would hide the load from the HPA.
            resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "1Gi" } },
            scratchPaths: ["/tmp"],
            dependsOn: ["rabbitmq", "postgres"],
            autoscaling: {
                minReplicas: 1,
                maxReplicas: 10,
                targetCpuUtilization: 50,
                scaleUp: { stabilizationWindowSeconds: 30, percentPerPeriod: 100, periodSeconds: 15 },
                scaleDown: { stabilizationWindowSeconds: 300, percentPerPeriod: 50, periodSeconds: 60 },
            },
        },
        {
            kind: "postgres",
            name: "postgres",
            envPrefix: "DATABASE",
            image: "postgres:16.6-alpine",
            ports: [{ name: "postgres", port: 5432, appProtocol: "postgresql" }],
            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            storage: { claimName: "postgres-pvc", size: "20Gi" },
            credentialsSecret: "db-credentials",
            dependsOn: [],
        },
        {
            kind: "rabbitmq",
            name: "rabbitmq",
            envPrefix: "RABBITMQ",
            image: "rabbitmq:3.13.7-management-alpine",
            ports: [
                { name: "amqp", port: 5672, appProtocol: "amqp" },
                { name: "management", port: 15672, appProtocol: "http", admin: true },
            ],
            resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            storage: { claimName: "rabbitmq-pvc", size: "5Gi" },
            credentialsSecret: "rabbitmq-credentials",
            dependsOn: [],
        },
    ],
};
