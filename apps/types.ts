/** The application topology as data: components and wiring are derived from this, never typed twice. */

export interface PortSpec {
    name: string;
    port: number;
    /** Protocol-aware name used for the env var a dependent receives, e.g. CATALOG_SERVICE_GRPC_PORT. */
    appProtocol?: "http" | "grpc" | "amqp" | "postgresql";
    /** Operator-only port (e.g. RabbitMQ management): no env var, no NetworkPolicy edge; use port-forward. */
    admin?: boolean;
}

export interface ResourceSpec {
    requests: { cpu: string; memory: string };
    /** cpu may be omitted on purpose (see order-worker). */
    limits: { cpu?: string; memory: string };
}

export interface AutoscalingSpec {
    minReplicas: number;
    maxReplicas: number;
    targetCpuUtilization: number;
    scaleUp: { stabilizationWindowSeconds: number; percentPerPeriod: number; periodSeconds: number };
    scaleDown: { stabilizationWindowSeconds: number; percentPerPeriod: number; periodSeconds: number };
}

interface TierBase<N extends string> {
    name: N;
    /** Prefix of the env vars that dependents receive, e.g. CATALOG_SERVICE -> CATALOG_SERVICE_HOST. */
    envPrefix: string;
    ports: PortSpec[];
    resources: ResourceSpec;
    /** Tiers this one opens connections to. Env vars and NetworkPolicy edges come from this list. */
    dependsOn: N[];
}

export interface StatelessTier<N extends string> extends TierBase<N> {
    kind: "stateless";
    /** Repository name inside the platform's registry; the tag comes from config. */
    image: string;
    replicas: number;
    /** Reached from outside the cluster (LoadBalancer/NodePort and an open NetworkPolicy). */
    public: boolean;
    healthPath: string;
    autoscaling?: AutoscalingSpec;
    /** Writable paths on an otherwise read-only root filesystem. */
    scratchPaths: string[];
}

export interface StatefulTier<N extends string> extends TierBase<N> {
    kind: "postgres" | "rabbitmq";
    /** Pinned third-party image (never from the app registry). */
    image: string;
    storage: { claimName: string; size: string };
    /** Name of the Kubernetes Secret with `username`/`password`. */
    credentialsSecret: string;
}

export type Tier<N extends string> = StatelessTier<N> | StatefulTier<N>;

/** A run-to-completion workload (e.g. the SQL seed Job): wired like a tier, but not a tier. */
export interface JobSpec<N extends string> {
    name: string;
    dependsOn: N[];
}

export interface AppSpec<N extends string> {
    name: string;
    tiers: readonly Tier<N>[];
    jobs: { seed: JobSpec<N> };
    /** Non-secret settings shared by every app tier (ConfigMap app-config). */
    sharedConfig: Record<string, string>;
    database: { name: string; tier: N };
}
