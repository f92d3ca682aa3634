/**
 * A generated app spec for the scaling benchmark: `count` stateless tiers (2 replicas, so each gets a
 * Deployment, Service, ServiceAccount and PodDisruptionBudget), each depending on the next two tiers
 * (two NetworkPolicy edges each), plus the one database tier an AppSpec needs for its seed Job.
 * Written against apps/types.ts as it is; kept small so it follows the AppSpec when that changes.
 */
import type { AppSpec, StatefulTier, StatelessTier } from "../../apps/types";

const tierName = (i: number) => `svc-${String(i).padStart(3, "0")}`;

export function syntheticApp(count: number): AppSpec<string> {
    const stateless = Array.from(
        { length: count },
        (_, i): StatelessTier<string> => ({
            kind: "stateless",
            name: tierName(i),
            envPrefix: tierName(i).toUpperCase().replace(/-/g, "_"),
            image: tierName(i),
            replicas: 2,
            public: i === 0,
            healthPath: "/health",
            scratchPaths: ["/tmp"],
            ports: [{ name: "http", port: 8000 + (i % 1000), appProtocol: "http" }],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
            dependsOn: count > 2 ? [tierName((i + 1) % count), tierName((i + 2) % count)] : [],
        }),
    );
    const database: StatefulTier<string> = {
        kind: "postgres",
        name: "db",
        envPrefix: "DB",
        image: "postgres:16.4-alpine",
        ports: [{ name: "postgres", port: 5432, appProtocol: "postgresql" }],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        dependsOn: [],
        storage: { claimName: "db-pvc", size: "1Gi" },
        credentialsSecret: "db-credentials",
    };
    return {
        name: "synthetic",
        tiers: [...stateless, database],
        jobs: { seed: { name: "db-seed", dependsOn: ["db"] } },
        sharedConfig: { LOG_LEVEL: "info" },
        database: { name: "synthetic", tier: "db" },
    };
}
