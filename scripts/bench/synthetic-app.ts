/**
 * A generated app spec for the scaling benchmark: `count` stateless tiers (2 replicas, so each gets a
 * Deployment, Service, ServiceAccount and PodDisruptionBudget), each depending on the next two tiers
 * (two NetworkPolicy edges each, in both directions).
 */
import type { AppSpec, StatelessTier } from "../../apps/types";

const tierName = (i: number) => `svc-${String(i).padStart(3, "0")}`;

export function syntheticApp(count: number): AppSpec<string> {
    const tiers = Array.from(
        { length: count },
        (_, i): StatelessTier<string> => ({
            kind: "stateless",
            name: tierName(i),
            envPrefix: tierName(i).toUpperCase().replace(/-/g, "_"),
            image: tierName(i),
            uid: 10001,
            replicas: 2,
            public: i === 0,
            health: { liveness: "/health", readiness: "/health" },
            scratchPaths: ["/tmp"],
            ports: [{ name: "http", port: 8000 + (i % 1000), appProtocol: "http" }],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
            dependsOn: count > 2 ? [tierName((i + 1) % count), tierName((i + 2) % count)] : [],
        }),
    );
    return { name: "synthetic", description: "scaling benchmark", tiers, sharedConfig: { LOG_LEVEL: "info" } };
}
