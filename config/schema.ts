import { z } from "zod";
import { APP_NAMES, DEFAULT_APP } from "../apps";
import type { AppSpec } from "../apps/types";
import { isStateless } from "../apps/wiring";
import { releasesSchema } from "./releases";
import { booleanString, dnsLabel, dnsSubdomain, imageRegistry, imageTag, json, oneOf, pathImageTag, positiveInt, recordOf, stackName } from "./rules";

export const TARGETS = ["local", "eks", "gke"] as const;
export type Target = (typeof TARGETS)[number];

export const SERVICE_TYPES = ["LoadBalancer", "NodePort", "ClusterIP"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** `app: none`: a platform stack, the cluster and its add-ons without any app. */
export const NO_APP = "none";

/** How an app's routes are rendered: Gateway API (default) or a networking.k8s.io/v1 Ingress. */
export const ROUTING = ["gateway", "ingress"] as const;
export type Routing = (typeof ROUTING)[number];

/**
 * Every key of the project namespace that does not depend on the chosen app, as raw strings from
 * `pulumi config`. Keys set with `--path` (objects) arrive as JSON strings. Defaults here are
 * mirrored in Pulumi.yaml's `config:` block (a test keeps them equal); keys whose default depends on
 * the app (namespace, frontendServiceType, usernames, routeHost) have none here.
 */
export const baseSchema = z.object({
    target: oneOf(TARGETS).default("local"),
    app: oneOf([...APP_NAMES, NO_APP]).default(DEFAULT_APP),
    /** The platform stack an app stack deploys onto (its cluster, add-ons, classes, registry); no target then. */
    platform: stackName.optional(),
    /** Default: the app's name. */
    namespace: dnsLabel.optional(),
    kubeContext: z.string().min(1).default("docker-desktop"),
    kubeconfig: z.string().min(1).optional(),
    /** Default ticketbuster (stacks/local.ts); on an app stack, the platform stack's unless set. */
    imageRegistry: imageRegistry.optional(),
    imageTag: imageTag.default("1.0.0"),
    storageClass: dnsSubdomain.optional(),
    /** Default: what the app's public tier declares for the target, else LoadBalancer. */
    frontendServiceType: oneOf(SERVICE_TYPES).optional(),
    protectData: booleanString.default(false),
    /** Overrides of the stores' usernames (defaults in the app's data). */
    dbUsername: dnsLabel.optional(),
    rabbitmqUsername: dnsLabel.optional(),
    routing: oneOf(ROUTING).default("gateway"),
    /** GatewayClass or IngressClass; default per target (see stacks/). */
    routeClassName: dnsSubdomain.optional(),
    /** Host of the app's routes; default the app's own (e.g. floresvictoria.local). */
    routeHost: dnsSubdomain.optional(),
    /** Namespace of the gateway/ingress controller's pods, admitted to the routed tiers; default per target. */
    routeControllerNamespace: dnsLabel.optional(),
});

export type BaseConfig = z.infer<typeof baseSchema>;

/** Tiers whose replica count and image tag can be overridden (data stores run one pod each). */
export const scalableTiers = (app: AppSpec): string[] => app.tiers.filter(isStateless).map((t) => t.name);

/** On an autoscaled tier the replica override is the HPA's floor, so it cannot exceed its ceiling. */
const withinAutoscalingRange = (app: AppSpec) => (replicas: Record<string, number>, ctx: z.RefinementCtx) => {
    for (const tier of app.tiers.filter(isStateless)) {
        const wanted = replicas[tier.name];
        if (!tier.autoscaling || typeof wanted !== "number") continue;
        if (wanted > tier.autoscaling.maxReplicas) {
            ctx.addIssue({
                code: "custom",
                path: [tier.name],
                message: `allowed: 1..${tier.autoscaling.maxReplicas} (the HPA's maxReplicas for ${tier.name})`,
            });
        }
    }
};

/** Keys whose allowed values depend on the chosen app: per-tier replicas, image tags and releases. */
export function appSchema(app: AppSpec) {
    const tiers = scalableTiers(app);
    return z.object({
        imageTags: json(recordOf(tiers, pathImageTag, "tier")).optional(),
        replicas: json(recordOf(tiers, positiveInt, "tier").superRefine(withinAutoscalingRange(app))).optional(),
        /** Canary / blue-green releases per tier (config/releases.ts). */
        releases: json(releasesSchema(app)).optional(),
    });
}
export type AppConfig = z.infer<ReturnType<typeof appSchema>>;
export const APP_KEYS = ["imageTags", "replicas", "releases"] as const;
