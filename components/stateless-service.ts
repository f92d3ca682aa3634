import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceType, StatelessTier } from "../apps/types";
import { horizontalAutoscaler } from "./horizontal-autoscaler";
import {
    containerPorts,
    labelsFor,
    Ownership,
    probes,
    restrictedContainer,
    restrictedPod,
    scratch,
    selectorFor,
    servicePorts,
    SKIP_AWAIT,
    spreadPods,
} from "./pod";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface StatelessServiceArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    tier: StatelessTier<string>;
    image: pulumi.Input<string>;
    replicas: number;
    /** Connection settings of its dependencies and its secrets. */
    env: EnvVar[];
    /** ConfigMap shared by all tiers, loaded with envFrom. */
    configMapName: pulumi.Input<string>;
    /** Changes when the ConfigMap's data changes, so pods roll and see the new values. */
    configChecksum: pulumi.Input<string>;
    /** The Service type of a public tier (others are ClusterIP). */
    publicServiceType: ServiceType;
    loadBalancerAnnotations?: Record<string, string>;
}

/**
 * One stateless tier: ServiceAccount (and a Role when it declares API rules), Deployment, Service
 * when it has ports, a PodDisruptionBudget when it runs 2+ pods, and an HPA when it autoscales.
 */
export class StatelessService extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service?: k8s.core.v1.Service;
    readonly hpa?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    readonly pdb?: k8s.policy.v1.PodDisruptionBudget;

    constructor(name: string, args: StatelessServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:app:StatelessService", name, {}, opts);
        const { tier, namespace } = args;
        const labels = labelsFor(args.owner, tier.name, "service");
        const selector = selectorFor(tier.name);
        const meta = { name: tier.name, namespace, labels };
        const scratchSpace = scratch(tier.scratchPaths);
        const usesApi = (tier.apiRules ?? []).length > 0;
        const parent = this;

        const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta, automountServiceAccountToken: usesApi }, { parent });
        if (usesApi) this.grantApiAccess(name, meta, tier, account);

        const firstPort = tier.ports[0]?.name;
        this.deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: meta,
                spec: {
                    // With an HPA the replica count belongs to the HPA: leaving it out avoids a tug of war
                    // on every `pulumi up` (the Kubernetes docs' advice).
                    replicas: tier.autoscaling ? undefined : args.replicas,
                    selector: { matchLabels: selector },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    template: {
                        metadata: { labels, annotations: { "ticketbuster.io/config-checksum": args.configChecksum } },
                        spec: {
                            serviceAccountName: account.metadata.name,
                            automountServiceAccountToken: usesApi,
                            enableServiceLinks: false,
                            securityContext: restrictedPod(tier.uid),
                            ...spreadPods(selector),
                            containers: [
                                {
                                    name: tier.name,
                                    image: args.image,
                                    ports: containerPorts(tier.ports),
                                    env: [
                                        ...(firstPort ? [{ name: "PORT", value: String(tier.ports[0].port) }] : []),
                                        ...Object.entries(tier.env ?? {}).map(([k, value]) => ({ name: k, value })),
                                        ...args.env,
                                    ],
                                    envFrom: [{ configMapRef: { name: args.configMapName } }],
                                    resources: tier.resources,
                                    ...probes(tier.health, firstPort, tier.name),
                                    securityContext: restrictedContainer(),
                                    volumeMounts: scratchSpace.mounts,
                                },
                            ],
                            volumes: scratchSpace.volumes,
                        },
                    },
                },
            },
            { parent },
        );

        if (tier.ports.length > 0) {
            const type = tier.public ? args.publicServiceType : "ClusterIP";
            this.service = new k8s.core.v1.Service(
                name,
                {
                    metadata: {
                        ...meta,
                        name: tier.serviceName ?? tier.name,
                        annotations: type === "LoadBalancer" ? args.loadBalancerAnnotations : SKIP_AWAIT,
                    },
                    spec: { type, selector, ports: servicePorts(tier.ports) },
                },
                { parent },
            );
        }

        if (args.replicas >= 2 || (tier.autoscaling?.minReplicas ?? 0) >= 2) {
            this.pdb = new k8s.policy.v1.PodDisruptionBudget(
                name,
                {
                    metadata: meta,
                    spec: {
                        maxUnavailable: 1,
                        selector: { matchLabels: selector },
                        // A pod that is not Ready serves nothing: evicting it must not stall a node drain.
                        unhealthyPodEvictionPolicy: "AlwaysAllow",
                    },
                },
                { parent },
            );
        }

        if (tier.autoscaling) {
            this.hpa = horizontalAutoscaler(
                name,
                { metadata: meta, deploymentName: this.deployment.metadata.name, autoscaling: tier.autoscaling, floor: args.replicas },
                { parent },
            );
        }

        this.registerOutputs({ deployment: this.deployment.metadata.name, service: this.service?.metadata.name });
    }

    /** A Role with exactly the tier's rules, bound to its ServiceAccount in its namespace. */
    private grantApiAccess(
        name: string,
        meta: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> },
        tier: StatelessTier<string>,
        account: k8s.core.v1.ServiceAccount,
    ): void {
        const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata: meta, rules: tier.apiRules }, { parent: this });
        new k8s.rbac.v1.RoleBinding(
            `${name}-role`,
            {
                metadata: meta,
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: meta.namespace }],
            },
            { parent: this },
        );
    }
}
