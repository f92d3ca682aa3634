/**
 * The `platform` stack output: everything an app stack needs from the stack that owns the cluster,
 * typed and versioned. A platform (or all-in-one) stack exports it; an app stack reads it through a
 * StackReference and validates it here before it registers anything else. A change that an older app
 * stack could misread bumps PLATFORM_OUTPUT_VERSION.
 */
import { z } from "zod";
import { ConfigError } from "./errors";
import { TARGETS } from "./schema";
import { TLS_MODES } from "./tls";

export const PLATFORM_OUTPUT_VERSION = 1;

const stringMap = z.record(z.string(), z.string());
/** A NetworkPolicy peer, as the platform states where routed traffic comes from. */
const peer = z.object({
    namespaceSelector: z.object({ matchLabels: stringMap }).optional(),
    podSelector: z.object({ matchLabels: stringMap }).optional(),
    ipBlock: z.object({ cidr: z.string(), except: z.array(z.string()).optional() }).optional(),
});

export const platformOutputSchema = z.object({
    version: z.literal(PLATFORM_OUTPUT_VERSION),
    /** `<project>/<stack>` of the platform, for messages. */
    stack: z.string(),
    target: z.enum(TARGETS),
    /** A cloud target gives LoadBalancer Services a real load balancer. */
    kind: z.enum(["local", "cloud"]),
    /** How to reach the cluster: a kubeconfig (path or content; a secret) and its context. */
    kubernetes: z.object({ kubeconfig: z.string().optional(), context: z.string().optional() }),
    /** The data volumes' StorageClass; absent means the cluster's default class. */
    storageClass: z.string().optional(),
    loadBalancerAnnotations: stringMap.optional(),
    routing: z.object({
        gatewayClassName: z.string(),
        ingressClassName: z.string(),
        /** The Gateway's HTTP listener port. */
        listenerPort: z.number().int(),
        /** The namespace of the route controller's pods, when it runs in the cluster. */
        controllerNamespace: z.string().optional(),
        /** Where routed traffic comes from (NetworkPolicy peers). */
        sources: z.array(peer),
        ingressAnnotations: stringMap.optional(),
    }),
    /** Where the app images live. */
    registry: z.discriminatedUnion("kind", [
        /** A registry/org prefix (local target): `<prefix>/<image>`. */
        z.object({ kind: z.literal("prefix"), prefix: z.string() }),
        /** ECR: each app stack creates its own repositories in this registry, with the platform's policy. */
        z.object({ kind: z.literal("ecr"), host: z.string(), region: z.string(), keepImages: z.number().int(), forceDelete: z.boolean() }),
        /** An Artifact Registry repository: `<url>/<image>`. */
        z.object({ kind: z.literal("artifact-registry"), url: z.string() }),
    ]),
    /** The cluster's PriorityClasses: the data stores' (an app's StatefulSets name it) and the add-ons'. */
    priorityClasses: z.object({ dataStores: z.string(), addons: z.string() }),
    /** Which add-ons the platform runs. */
    addons: z.object({
        metricsServer: z.boolean(),
        gateway: z.boolean(),
        monitoring: z.boolean(),
        /** Absent in the outputs of platform stacks older than the logging add-on: they run none. */
        logging: z.boolean().default(false),
    }),
    /** Monitoring: where Prometheus runs (the peer the app's policies admit) and the labels its selectors need (none: it selects all). */
    monitoring: z.object({ namespace: z.string(), selectorLabels: stringMap }).optional(),
    /**
     * TLS capabilities (absent from outputs of platform stacks older than issue 18): the platform's mode
     * (its app stacks' default), the Gateway's HTTPS listener port, the cert-manager ClusterIssuers it
     * runs by the mode they serve (local), and its DNS zone (cloud; an app stack's default zone).
     */
    tls: z
        .object({
            mode: z.enum(TLS_MODES),
            httpsPort: z.number().int(),
            clusterIssuers: z.object({ "self-signed": z.string().optional(), acme: z.string().optional() }),
            dns: z.object({ zone: z.string(), zoneId: z.string() }).optional(),
        })
        .optional(),
    /** Logging: Loki's namespace, where an app's log alert rules go (a ConfigMap with these labels, read by Loki's rules sidecar). */
    logging: z.object({ namespace: z.string(), rulesLabels: stringMap }).optional(),
    /** Hooks for an app's own cloud resources (IRSA roles, Workload Identity bindings, buckets). */
    identity: z.object({
        aws: z
            .object({
                region: z.string(),
                partition: z.string(),
                accountId: z.string(),
                clusterName: z.string(),
                oidcProviderArn: z.string(),
                oidcIssuer: z.string(),
            })
            .optional(),
        gcp: z.object({ project: z.string(), region: z.string(), location: z.string(), workloadIdentityPool: z.string() }).optional(),
    }),
});

export type PlatformOutput = z.infer<typeof platformOutputSchema>;

/**
 * The referenced stack's `platform` output, validated; throws one message naming the platform stack
 * and what is wrong (missing, another version, a bad field).
 */
export function parsePlatformOutput(value: unknown, platformStack: string, ns = "ticketbuster"): PlatformOutput {
    const where = `${ns}:platform: the stack ${platformStack}`;
    if (value === undefined || value === null) {
        throw new ConfigError([`${where} has no \`platform\` output; allowed: a platform stack (app: none) or an all-in-one stack, deployed with pulumi up`]);
    }
    const version = (value as { version?: unknown }).version;
    if (version !== PLATFORM_OUTPUT_VERSION) {
        throw new ConfigError([
            `${where} exports a platform output of version ${JSON.stringify(version)}; allowed: version ${PLATFORM_OUTPUT_VERSION} (run pulumi up on the platform stack with this program's version)`,
        ]);
    }
    const parsed = platformOutputSchema.safeParse(value);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        throw new ConfigError([`${where} exports a platform output this program cannot read (${problems})`]);
    }
    return parsed.data;
}
