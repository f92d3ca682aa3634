import { z } from "zod";
import { TIER_NAMES } from "../apps/ticketbuster";
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
    replicas: json(recordOf(SCALABLE_TIERS, positiveInt, "tier")).optional(),
    protectData: booleanString.default(false),
    dbUsername: dnsLabel.default("admin"),
    // Not "guest": RabbitMQ lets guest connect only from localhost, so other pods would be refused.
    rabbitmqUsername: dnsLabel.default("ticketbuster"),
});

export type BaseConfig = z.infer<typeof baseSchema>;

/** Keys that must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["dbPassword", "rabbitmqPassword"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
