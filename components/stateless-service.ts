import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StatelessTier } from "../apps/types";
import { containerPorts, httpProbes, labelsFor, restrictedContainer, restrictedPod, scratch, selectorFor, servicePorts } from "./pod";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface StatelessServiceArgs {
    namespace: pulumi.Input<string>;
    partOf: string;
    tier: StatelessTier<string>;
    image: pulumi.Input<string>;
    replicas: number;
    env: EnvVar[];
    /** ConfigMap shared by all tiers, loaded with envFrom. */
    configMapName: pulumi.Input<string>;
    /** Changes when the ConfigMap's data changes, so pods roll and see the new values. */
    configChecksum: pulumi.Input<string>;
    serviceType: "LoadBalancer" | "NodePort" | "ClusterIP";
    serviceAnnotations?: Record<string, string>;
}

/** UID the app images run as (non-root user baked into the TicketBuster images). */
const APP_UID = 10001;

/**
 * One stateless tier: ServiceAccount, Deployment, Service, a PodDisruptionBudget when it runs 2+
 * pods, and an autoscaling/v2 HPA when the tier declares autoscaling.
 */
export class StatelessService extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly hpa?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    readonly pdb?: k8s.policy.v1.PodDisruptionBudget;

    constructor(name: string, args: StatelessServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:app:StatelessService", name, {}, opts);
        const { tier, namespace } = args;
        const labels = labelsFor(args.partOf, tier.name, "service");
        const selector = selectorFor(tier.name);
        const meta = { name: tier.name, namespace, labels };
        const scratchSpace = scratch(tier.scratchPaths);
        const firstPort = tier.ports[0].name;

        const account = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: meta, automountServiceAccountToken: false },
            { parent: this },
        );

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
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: restrictedPod(APP_UID),
                            topologySpreadConstraints: [
                                {
                                    maxSkew: 1,
                                    topologyKey: "kubernetes.io/hostname",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: selector },
                                },
                            ],
                            containers: [
                                {
                                    name: tier.name,
                                    image: args.image,
                                    ports: containerPorts(tier.ports),
                                    env: [{ name: "PORT", value: String(tier.ports[0].port) }, ...args.env],
                                    envFrom: [{ configMapRef: { name: args.configMapName } }],
                                    resources: tier.resources,
                                    ...httpProbes(tier.healthPath, firstPort),
                                    securityContext: restrictedContainer(),
                                    volumeMounts: scratchSpace.mounts,
                                },
                            ],
                            volumes: scratchSpace.volumes,
                        },
                    },
                },
            },
            { parent: this },
        );

        this.service = new k8s.core.v1.Service(
            name,
            {
                metadata: { ...meta, annotations: tier.public ? args.serviceAnnotations : undefined },
                spec: {
                    type: tier.public ? args.serviceType : "ClusterIP",
                    selector,
                    ports: servicePorts(tier.ports),
                },
            },
            { parent: this },
        );

        if (args.replicas >= 2) {
            this.pdb = new k8s.policy.v1.PodDisruptionBudget(
                name,
                { metadata: meta, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
                { parent: this },
            );
        }

        const auto = tier.autoscaling;
        if (auto) {
            this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                name,
                {
                    metadata: meta,
                    spec: {
                        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: this.deployment.metadata.name },
                        // A replica override on an autoscaled tier raises the floor.
                        minReplicas: Math.max(auto.minReplicas, args.replicas),
                        maxReplicas: auto.maxReplicas,
                        metrics: [
                            {
                                type: "Resource",
                                resource: {
                                    name: "cpu",
                                    target: { type: "Utilization", averageUtilization: auto.targetCpuUtilization },
                                },
                            },
                        ],
                        behavior: {
                            scaleUp: {
                                stabilizationWindowSeconds: auto.scaleUp.stabilizationWindowSeconds,
                                policies: [
                                    { type: "Percent", value: auto.scaleUp.percentPerPeriod, periodSeconds: auto.scaleUp.periodSeconds },
                                ],
                            },
                            scaleDown: {
                                stabilizationWindowSeconds: auto.scaleDown.stabilizationWindowSeconds,
                                policies: [
                                    {
                                        type: "Percent",
                                        value: auto.scaleDown.percentPerPeriod,
                                        periodSeconds: auto.scaleDown.periodSeconds,
                                    },
                                ],
                            },
                        },
                    },
                },
                { parent: this },
            );
        }

        this.registerOutputs({
            deployment: this.deployment.metadata.name,
            service: this.service.metadata.name,
        });
    }
}
