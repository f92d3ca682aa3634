import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StatelessTier } from "../apps/types";
import { labelsFor, Ownership, selectorFor, servicePorts, SKIP_AWAIT } from "./pod";
import { ROLLING_UPDATE, STABLE_COMPONENT, statelessPodTemplate } from "./stateless-service";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** `app.kubernetes.io/component` of a canary's pods: what tells them apart from the stable ones. */
export const CANARY_COMPONENT = "canary";

/**
 * How the two versions of a tier are told apart, without touching the stable pods (a label or
 * selector change there would roll every pod of every stack, and a Deployment's selector cannot
 * change at all):
 * - canary pods carry the tier's `app` label like the stable ones, so every NetworkPolicy (they
 *   select by `app`) admits them exactly as it admits the stable pods, and the tier's own Service
 *   (selector `app`) sends them their replica share: that is the split of an internal tier;
 * - they add `track: canary` and `app.kubernetes.io/version`, and their `app.kubernetes.io/component`
 *   is `canary` where the stable pods' is `service`. A selector cannot say "not canary", so the
 *   `<tier>-stable` Service selects `app` + component `service`: the stable pods alone, the backend
 *   a routed tier's HTTPRoute weighs against `<tier>-canary`.
 * The stable Deployment's selector (`app`) also matches canary pods. Its ReplicaSets never adopt
 * them (they belong to the canary's ReplicaSet, and each ReplicaSet selects its pod-template-hash);
 * the tier's PDB covers them (a second PDB on the same pods would make the eviction API refuse to
 * evict them), and its HPA's average includes their load.
 */
export const canarySelector = (tier: string): Record<string, string> => ({ ...selectorFor(tier), track: "canary" });
export const stableOnlySelector = (tier: string): Record<string, string> => ({ ...selectorFor(tier), "app.kubernetes.io/component": STABLE_COMPONENT });

/** Names of a release's objects. */
export const canaryName = (tier: string) => `${tier}-canary`;
export const stableName = (tier: string) => `${tier}-stable`;

/**
 * Canary pods for a weight. A routed tier's share is set by the HTTPRoute's weights, so the canary
 * needs capacity for its share: ceil(stable × w / 100). An internal tier's share is its pods' part of
 * the Service's endpoints, c / (stable + c), so c is chosen to approach w; the canary never outgrows
 * the stable tier (from w = 50 on both run as many pods: an even split; the full cut-over is the
 * promotion). At least one pod either way, so the canary runs and can be tested at weight 0.
 */
export function canaryReplicas(stable: number, weight: number, routed: boolean): number {
    if (routed) return Math.max(1, Math.ceil((stable * weight) / 100));
    if (weight >= 50) return Math.max(1, stable);
    return Math.max(1, Math.min(stable, Math.round((stable * weight) / (100 - weight))));
}

export interface CanaryReleaseArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    tier: StatelessTier<string>;
    /** Full image reference of the new version, and its tag (the version label). */
    image: pulumi.Input<string>;
    tag: string;
    /** 0..100. */
    weight: number;
    /** The stable tier's pod count (an autoscaled tier: its floor). */
    stableReplicas: number;
    /** The app's routes reach this tier: add the stable-only Service their HTTPRoute weighs. */
    routed: boolean;
    /** The stable tier's ServiceAccount (the canary is the same tier, with the same rights). */
    serviceAccountName: pulumi.Input<string>;
    env: EnvVar[];
    configMapName: pulumi.Input<string>;
    configChecksum: pulumi.Input<string>;
}

/**
 * A release of one stateless tier (config `releases.<tier>`): the `<tier>-canary` Deployment, the
 * same pod as the stable one with the new image; its own Service `<tier>-canary`; and for a routed
 * tier the `<tier>-stable` Service. No HPA and no PDB of its own (see canarySelector). Removing the
 * release removes all of it.
 */
export class CanaryRelease extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service?: k8s.core.v1.Service;
    readonly stableService?: k8s.core.v1.Service;

    constructor(name: string, args: CanaryReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:app:CanaryRelease", name, {}, opts);
        const { tier, namespace } = args;
        const parent = this;
        const version = { "app.kubernetes.io/version": args.tag };
        const podLabels = { ...labelsFor(args.owner, tier.name, CANARY_COMPONENT), track: "canary", ...version };
        const selector = canarySelector(tier.name);

        this.deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name: canaryName(tier.name), namespace, labels: podLabels },
                spec: {
                    replicas: canaryReplicas(args.stableReplicas, args.weight, args.routed),
                    selector: { matchLabels: selector },
                    strategy: ROLLING_UPDATE,
                    // Spread away from every pod of the tier, stable ones included.
                    template: statelessPodTemplate({ ...args, labels: podLabels, spread: selectorFor(tier.name) }),
                },
            },
            { parent },
        );

        if (tier.ports.length > 0) {
            const ports = servicePorts(tier.ports);
            // Their own `app` label: the stable tier's ServiceMonitor selects Services labelled app=<tier>,
            // and would otherwise scrape these pods a second time.
            const serviceMeta = (service: string, component: string, extra: Record<string, string>) => ({
                name: service,
                namespace,
                labels: { ...labelsFor(args.owner, service, component), ...extra },
                annotations: SKIP_AWAIT,
            });
            this.service = new k8s.core.v1.Service(
                name,
                {
                    metadata: serviceMeta(canaryName(tier.name), CANARY_COMPONENT, { track: "canary", ...version }),
                    spec: { type: "ClusterIP", selector, ports },
                },
                { parent },
            );
            if (args.routed) {
                this.stableService = new k8s.core.v1.Service(
                    stableName(tier.name),
                    {
                        metadata: serviceMeta(stableName(tier.name), STABLE_COMPONENT, {}),
                        spec: { type: "ClusterIP", selector: stableOnlySelector(tier.name), ports },
                    },
                    { parent },
                );
            }
        }
        this.registerOutputs({ deployment: this.deployment.metadata.name, service: this.service?.metadata.name });
    }
}
