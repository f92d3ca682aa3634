import { z } from "zod";
import { TIER_NAMES, ticketbuster } from "../apps/ticketbuster";
import {
    booleanString,
    dnsLabel,
    dnsSubdomain,
    imageRegistry,
    imageTag,
    json,
    oneOf,
    positiveInt,
    recordOf,
} from "./rules";

export const TARGETS = ["local", "eks", "gke"] as const;
export type Target = (typeof TARGETS)[number];

export const SERVICE_TYPES = ["LoadBalancer", "NodePort", "ClusterIP"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Tiers whose replica count and image tag can be overridden (the stateful ones run one pod each). */
export const SCALABLE_TIERS = TIER_NAMES.filter((t) => t !== "postgres" && t !== "rabbitmq");

/** On an autoscaled tier the replica override is the HPA's floor, so it cannot exceed its ceiling. */
function withinAutoscalingRange(replicas: Record<string, number>, ctx: z.RefinementCtx): void {
    for (const tier of ticketbuster.tiers) {
        const wanted = replicas[tier.name];
        if (tier.kind !== "stateless" || !tier.autoscaling || typeof wanted !== "number") continue;
        if (wanted > tier.autoscaling.maxReplicas) {
            ctx.addIssue({
                code: "custom",
                path: [tier.name],
                message: `allowed: 1..${tier.autoscaling.maxReplicas} (the HPA's maxReplicas for ${tier.name})`,
            });
        }
    }
}

/**
 * Every key of the project namespace, as raw strings from `pulumi config`. Keys set with
 * `--path` (objects) arrive as JSON strings. Defaults here are mirrored in Pulumi.yaml's `config:`
 * block (a test keeps them equal).
 */
export const baseSchema = z.object({
    target: oneOf(TARGETS).default("local"),
    namespace: dnsLabel.default("ticketbuster"),
    kubeContext: z.string().min(1).default("docker-desktop"),
    kubeconfig: z.string().min(1).optional(),
    imageRegistry: imageRegistry.default("ticketbuster"),
    imageTag: imageTag.default("1.0.0"),
    imageTags: json(recordOf(SCALABLE_TIERS, imageTag, "tier")).optional(),
    storageClass: dnsSubdomain.optional(),
    frontendServiceType: oneOf(SERVICE_TYPES).default("LoadBalancer"),
    replicas: json(recordOf(SCALABLE_TIERS, positiveInt, "tier").superRefine(withinAutoscalingRange)).optional(),
    protectData: booleanString.default(false),
    dbUsername: dnsLabel.default("admin"),
    // Not "guest": RabbitMQ lets guest connect only from localhost, so other pods would be refused.
    rabbitmqUsername: dnsLabel.default("ticketbuster"),
});

export type BaseConfig = z.infer<typeof baseSchema>;

/** Keys that must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["dbPassword", "rabbitmqPassword"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
