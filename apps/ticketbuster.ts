import { AppSpec, ResourceSpec, StatelessTier } from "./types";
import { postgres, rabbitmq } from "./stores";

type TierName = "frontend" | "api-gateway" | "catalog-service" | "notification-service" | "order-worker" | "postgres" | "rabbitmq";

/** Node.js tiers: requests 100m/128Mi, limits 500m/512Mi (guide, "Resource Limits"). */
const nodeResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/** UID of the non-root user baked into the TicketBuster images. */
const APP_UID = 10001;

const nodeService = (
    t: Omit<StatelessTier<TierName>, "kind" | "resources" | "scratchPaths" | "uid" | "image" | "health"> & { healthPath: string },
): StatelessTier<TierName> => {
    const { healthPath, ...tier } = t;
    return {
        kind: "stateless",
        image: t.name,
        uid: APP_UID,
        resources: nodeResources,
        scratchPaths: ["/tmp"],
        health: { liveness: healthPath, readiness: healthPath },
        ...tier,
    };
};

/** Seed 000: TicketBuster, a React PWA and four Node.js/Python services on PostgreSQL and RabbitMQ. */
export const ticketbuster: AppSpec<TierName> = {
    name: "ticketbuster",
    description: "React PWA, Express gateway, Node.js catalog (HTTP + gRPC), Socket.io notifications, Python worker",
    seed: { name: "db-seed", store: "postgres" },
    sharedConfig: {
        NODE_ENV: "production",
        LOG_LEVEL: "info",
        TZ: "UTC",
    },
    tiers: [
        nodeService({
            name: "frontend",
            envPrefix: "FRONTEND",
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
            replicas: 2,
            ports: [{ name: "http", port: 8000, appProtocol: "http" }],
            healthPath: "/health",
            dependsOn: ["catalog-service", "notification-service", "rabbitmq"],
        }),
        nodeService({
            name: "catalog-service",
            envPrefix: "CATALOG_SERVICE",
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
            uid: APP_UID,
            replicas: 1,
            ports: [{ name: "http", port: 5000, appProtocol: "http" }],
            health: { liveness: "/health", readiness: "/health" },
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
        postgres({
            name: "postgres",
            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            storage: { claimName: "postgres-pvc", size: "20Gi" },
            credentials: { secretName: "db-credentials", username: "admin", usernameKey: "dbUsername", passwordKey: "dbPassword" },
            database: "ticketbuster",
        }),
        rabbitmq({
            name: "rabbitmq",
            resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            storage: { claimName: "rabbitmq-pvc", size: "5Gi" },
            // Not "guest": RabbitMQ lets guest connect only from localhost, so other pods would be refused.
            credentials: {
                secretName: "rabbitmq-credentials",
                username: "ticketbuster",
                usernameKey: "rabbitmqUsername",
                passwordKey: "rabbitmqPassword",
            },
        }),
    ],
};
