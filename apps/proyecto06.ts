import { HTTP_REQUESTS_ERROR_RATIO } from "./metrics";
import { nginxFrontend } from "./nginx-frontend";
import { AppSpec } from "./types";
import { postgres } from "./stores";

type TierName = "frontend" | "backend" | "database";

/**
 * Seed 004: Proyecto06, an Angular frontend (nginx) and a FastAPI backend on PostgreSQL, rolled out in
 * the seed pipeline's order: database, then backend, then frontend.
 */
export const proyecto06: AppSpec<TierName> = {
    name: "proyecto06",
    description: "Angular (nginx) frontend, FastAPI backend, PostgreSQL 16",
    rolloutInOrder: true,
    sharedConfig: { TZ: "UTC", LOG_LEVEL: "info" },
    routes: {
        host: "proyecto06.local",
        paths: [
            { path: "/", tier: "frontend" },
            { path: "/api", tier: "backend" },
        ],
    },
    tiers: [
        nginxFrontend({
            name: "frontend",
            serviceName: "frontend-service",
            image: "proyecto06-frontend",
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
            // nginx proxies /api to the backend (the seed's "JavaScript Fetch http://backend-service:8000/api").
            dependsOn: ["backend"],
        }),
        {
            kind: "stateless",
            name: "backend",
            serviceName: "backend-service",
            envPrefix: "BACKEND",
            image: "proyecto06-backend",
            uid: 10001,
            replicas: 2,
            ports: [{ name: "http", port: 8000, appProtocol: "http" }],
            // The seed's checklist: "Backend health: /health".
            health: { liveness: "/health", readiness: "/health" },
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            scratchPaths: ["/tmp"],
            metrics: { port: "http", path: "/metrics", errorRatio: HTTP_REQUESTS_ERROR_RATIO },
            dependsOn: ["database"],
        },
        postgres({
            name: "database",
            serviceName: "database-service",
            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            storage: { claimName: "postgres-pvc", size: "5Gi" },
            credentials: { secretName: "database-credentials", username: "proyecto06", usernameKey: "dbUsername", passwordKey: "dbPassword" },
            database: "proyecto06_db",
            // postgresql://proyecto06:<password>@database-service:5432/proyecto06_db, from the Secret.
            uriEnv: "DATABASE_URL",
        }),
    ],
};
