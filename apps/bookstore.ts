import { HTTP_REQUESTS_ERROR_RATIO, MICROMETER_ERROR_RATIO } from "./metrics";
import { AppSpec, AutoscalingSpec, StatelessTier } from "./types";
import { mongodb, postgres, rabbitmq } from "./stores";

type Service = "gateway" | "user-service" | "payment-service-java" | "payment-service-python" | "review-service";
type TierName = Service | "postgres" | "mongodb" | "rabbitmq";

/** The seed: every service 2..10 replicas on 70% CPU or 80% memory. */
const autoscaling: AutoscalingSpec = { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70, targetMemoryUtilization: 80 };

/** The Java images (eclipse-temurin JRE) run as a `spring` user created with UID 1001. */
const JAVA_UID = 1001;
/** The Python images (python:*-slim) run as an `app` user created with UID 10001. */
const PYTHON_UID = 10001;

type Extra = Pick<StatelessTier<TierName>, "name" | "envPrefix" | "dependsOn"> & Partial<StatelessTier<TierName>>;

/**
 * Spring Boot on 8080: the heap is a share of the container's limit (MaxRAMPercentage), the JVM exits
 * on OOM so the kubelet restarts it, and the startup probe covers the slow start.
 */
const java = (t: Extra): StatelessTier<TierName> => ({
    kind: "stateless",
    image: `bookstore-${t.name}`,
    uid: JAVA_UID,
    replicas: 2,
    ports: [{ name: "http", port: 8080, appProtocol: "http" }],
    health: { liveness: "/actuator/health/liveness", readiness: "/actuator/health/readiness", startup: "/actuator/health/liveness" },
    resources: { requests: { cpu: "500m", memory: "768Mi" }, limits: { cpu: "1000m", memory: "2Gi" } },
    env: { JAVA_TOOL_OPTIONS: "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError" },
    // Tomcat's work directory.
    scratchPaths: ["/tmp"],
    metrics: { port: "http", path: "/actuator/prometheus", errorRatio: MICROMETER_ERROR_RATIO },
    autoscaling,
    ...t,
});

/** Flask (gunicorn) on 5000. */
const python = (t: Extra): StatelessTier<TierName> => ({
    kind: "stateless",
    image: `bookstore-${t.name}`,
    uid: PYTHON_UID,
    replicas: 2,
    ports: [{ name: "http", port: 5000, appProtocol: "http" }],
    health: { liveness: "/health", readiness: "/health" },
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    scratchPaths: ["/tmp"],
    metrics: { port: "http", path: "/metrics", errorRatio: HTTP_REQUESTS_ERROR_RATIO },
    autoscaling,
    ...t,
});

const storeResources = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } };

/**
 * Seed 002: Bookstore, a Zuul gateway in front of Java and Python services on PostgreSQL, MongoDB and
 * RabbitMQ. The routes all go to the gateway, as the seed's curls do: Zuul strips the prefix and
 * applies its filters and circuit breakers, which direct routes would bypass.
 *
 * RabbitMQ edges: both payment services publish payment events; review-service consumes them
 * (PAYMENTS_EXCHANGE in the ConfigMap). user-service and payment-service-java share PostgreSQL.
 */
export const bookstore: AppSpec<TierName> = {
    name: "bookstore",
    description: "Zuul gateway, Java and Python services on PostgreSQL, MongoDB and RabbitMQ, all autoscaled",
    sharedConfig: {
        TZ: "UTC",
        LOG_LEVEL: "INFO",
        SPRING_PROFILES_ACTIVE: "kubernetes",
        MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
        PAYMENTS_EXCHANGE: "payments",
    },
    secrets: [{ name: "jwt-secret", key: "JWT_SECRET", configKey: "jwtSecret", generate: true }],
    routes: {
        host: "bookstore.local",
        paths: ["/api/users", "/api/payments-python", "/api/payments-java", "/api/reviews"].map((path) => ({ path, tier: "gateway" as const })),
    },
    tiers: [
        java({
            name: "gateway",
            serviceName: "gateway-service",
            envPrefix: "GATEWAY",
            public: true,
            publicServiceType: { local: "LoadBalancer", cloud: "LoadBalancer" },
            ports: [{ name: "http", port: 8080, servicePort: 80, appProtocol: "http" }],
            secrets: ["jwt-secret"],
            dependsOn: ["user-service", "payment-service-java", "payment-service-python", "review-service"],
        }),
        java({ name: "user-service", envPrefix: "USER_SERVICE", secrets: ["jwt-secret"], dependsOn: ["postgres"] }),
        java({ name: "payment-service-java", envPrefix: "PAYMENT_SERVICE_JAVA", dependsOn: ["postgres", "rabbitmq"] }),
        python({ name: "payment-service-python", envPrefix: "PAYMENT_SERVICE_PYTHON", dependsOn: ["rabbitmq"] }),
        python({ name: "review-service", envPrefix: "REVIEW_SERVICE", dependsOn: ["mongodb", "rabbitmq"] }),
        postgres({
            name: "postgres",
            resources: storeResources,
            storage: { claimName: "postgres-pvc", size: "20Gi" },
            credentials: { secretName: "postgres-credentials", username: "bookstore", usernameKey: "dbUsername", passwordKey: "dbPassword" },
            database: "bookstore",
        }),
        mongodb({
            name: "mongodb",
            resources: storeResources,
            storage: { claimName: "mongodb-pvc", size: "10Gi" },
            credentials: { secretName: "mongodb-credentials", username: "bookstore", passwordKey: "mongoPassword" },
            database: "reviews",
            uriEnv: "MONGODB_URI",
        }),
        rabbitmq({
            name: "rabbitmq",
            resources: storeResources,
            storage: { claimName: "rabbitmq-pvc", size: "5Gi" },
            credentials: { secretName: "rabbitmq-credentials", username: "bookstore", usernameKey: "rabbitmqUsername", passwordKey: "rabbitmqPassword" },
            uriEnv: "RABBITMQ_URL",
        }),
    ],
};
