/**
 * An application as data: every component, env var, NetworkPolicy edge and route is derived from
 * this, never typed twice. One file per application in apps/; the catalog is apps/index.ts.
 */

export interface PortSpec {
    name: string;
    port: number;
    /** Protocol-aware name used for the env var a dependent receives, e.g. CATALOG_SERVICE_GRPC_PORT. */
    appProtocol?: "http" | "grpc" | "amqp" | "postgresql" | "mongodb" | "redis" | "nats";
    /** Operator-only port (e.g. RabbitMQ management): no env var, no NetworkPolicy edge; use port-forward. */
    admin?: boolean;
    /** The Service's port when it differs from the container's (e.g. 80 in front of nginx's 8080). */
    servicePort?: number;
}

export interface ResourceSpec {
    requests: { cpu: string; memory: string };
    /** cpu may be omitted on purpose (see TicketBuster's order-worker). */
    limits: { cpu?: string; memory: string };
}

export interface ScalingPolicy {
    stabilizationWindowSeconds: number;
    percentPerPeriod: number;
    periodSeconds: number;
}

export interface AutoscalingSpec {
    minReplicas: number;
    maxReplicas: number;
    targetCpuUtilization: number;
    /** A second metric: the HPA scales on whichever asks for more pods. */
    targetMemoryUtilization?: number;
    scaleUp?: ScalingPolicy;
    scaleDown?: ScalingPolicy;
}

/**
 * A check the kubelet runs: an HTTP path on the tier's first port, or a command run inside the
 * container (exit 0 = healthy), for a tier without ports such as a queue consumer.
 */
export type HealthCheck = string | { command: string[] };

export interface HealthSpec {
    liveness: HealthCheck;
    readiness: HealthCheck;
    /** A startup probe for slow starters (JVMs): liveness counts only after it passes. */
    startup?: HealthCheck;
}

/** A Kubernetes RBAC rule the tier's ServiceAccount is granted in its namespace (Role + RoleBinding). */
export interface ApiRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
}

/** A destination outside the cluster that a tier must reach (egress NetworkPolicy), e.g. a payment API. */
export interface ExternalEndpoint {
    /** What it is, for the policy's name and the reader. */
    name: string;
    ports: number[];
}

interface TierBase<N extends string> {
    name: N;
    /** Prefix of the env vars that dependents receive, e.g. CATALOG_SERVICE -> CATALOG_SERVICE_HOST. */
    envPrefix: string;
    ports: PortSpec[];
    resources: ResourceSpec;
    /** Tiers this one opens connections to. Env vars, ordering and NetworkPolicy edges come from this list. */
    dependsOn: N[];
    /** Name of the Service (and so the host dependents use); defaults to the tier's name. */
    serviceName?: string;
}

export interface StatelessTier<N extends string> extends TierBase<N> {
    kind: "stateless";
    /** Repository name inside the platform's registry; the tag comes from config. */
    image: string;
    /** Non-root UID the image runs as. */
    uid: number;
    replicas: number;
    /** Reached from outside the cluster (LoadBalancer/NodePort Service and an open NetworkPolicy). */
    public?: boolean;
    /** Service type when public, per target kind; otherwise the stack's frontendServiceType decides. */
    publicServiceType?: { local?: ServiceType; cloud?: ServiceType };
    health: HealthSpec;
    autoscaling?: AutoscalingSpec;
    /** Writable paths on an otherwise read-only root filesystem. */
    scratchPaths: string[];
    /** Literal env vars of this tier (never secrets). */
    env?: Record<string, string>;
    /** App secrets (AppSpec.secrets names) this tier receives as env vars. */
    secrets?: string[];
    /** Where Prometheus scrapes it (the monitoring add-on makes a ServiceMonitor of this). */
    metrics?: { port: string; path: string };
    /** Destinations outside the cluster it reaches (HTTPS to a payment provider...). */
    external?: ExternalEndpoint[];
    /** Kubernetes API access; without rules the ServiceAccount has no token at all. */
    apiRules?: ApiRule[];
}

export type ServiceType = "LoadBalancer" | "NodePort" | "ClusterIP";

export type StoreKind = "postgres" | "rabbitmq" | "mongodb" | "redis" | "nats";

/** Credentials of a data store: one Secret with `username`, `password` and, where a URI is derived, `uri`. */
export interface StoreCredentials {
    /** Name of the Kubernetes Secret. */
    secretName: string;
    username: string;
    /** Config key that overrides the username (e.g. dbUsername). */
    usernameKey?: string;
    /** Config key of the password: a required Pulumi secret (the driver generates it). */
    passwordKey: string;
}

/**
 * Whether a store that may be a cache (Redis, NATS) holds state the app cannot rebuild: durable stores
 * are backed up (components/backups.ts), the others are not. Every Redis and NATS tier says which, and
 * why, in its app file.
 */
export interface Durability {
    durable: boolean;
    reason: string;
}

export interface StoreTier<N extends string> extends TierBase<N> {
    kind: StoreKind;
    /** Pinned third-party image, tag@digest (never from the app registry). */
    image: string;
    storage: { claimName: string; size: string };
    /** NATS runs without credentials (only NetworkPolicy-admitted pods reach it). */
    credentials?: StoreCredentials;
    /** Database created on first start (PostgreSQL, MongoDB). */
    database?: string;
    /**
     * Dependents receive a connection URI under this env var, from the credentials Secret's `uri`
     * key (never as a literal), e.g. MONGO_URI or DATABASE_URL.
     */
    uriEnv?: string;
    /** Required of Redis and NATS (apps/stores.ts); PostgreSQL, MongoDB and RabbitMQ are always backed up. */
    durability?: Durability;
}

export type Tier<N extends string> = StatelessTier<N> | StoreTier<N>;

/** A secret of the app itself (not a store's), given to the tiers that list it. */
export interface AppSecret {
    /** Kubernetes Secret name, e.g. jwt-secret. */
    name: string;
    /** Key inside the Secret and env var name, e.g. JWT_KEY. */
    key: string;
    /** Config key that holds it as a Pulumi secret, e.g. jwtKey. */
    configKey: string;
    /** Random values are fine (the driver generates one on first run); false for e.g. a Stripe key. */
    generate: boolean;
    /** A shape the value must have, checked at config validation (the value is never echoed). */
    format?: { pattern: RegExp; hint: string };
}

/** The SQL seed Job: runs sql/<app>/*.sql against a PostgreSQL tier. */
export interface SeedSpec<N extends string> {
    /** Pod label `app` of the Job's pods (NetworkPolicies allow it by this name). */
    name: string;
    store: N;
}

/** Host routing: the seeds' Ingress, rendered as a Gateway API HTTPRoute (or an Ingress). */
export interface RouteSpec<N extends string> {
    /** Default host; config `routeHost` overrides it. */
    host: string;
    /** Longest prefix wins, as in both Gateway API and Ingress. */
    paths: { path: string; tier: N }[];
}

export interface AppSpec<N extends string = string> {
    name: string;
    /** One line for the README and `--help`. */
    description: string;
    tiers: readonly Tier<N>[];
    seed?: SeedSpec<N>;
    secrets?: AppSecret[];
    routes?: RouteSpec<N>;
    /**
     * Start each tier only after every tier it depends on is ready (a seed pipeline's order).
     * Otherwise a tier waits for its data stores only: callers retry, and waiting costs time.
     */
    rolloutInOrder?: boolean;
    /** Non-secret settings shared by every app tier (ConfigMap app-config). */
    sharedConfig: Record<string, string>;
}
