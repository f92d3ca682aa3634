import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StatefulTier } from "../apps/types";
import { labelsFor, restrictedPod, scratch, selectorFor } from "./pod";

type Container = k8s.types.input.core.v1.Container;

export interface StatefulWorkloadArgs {
    namespace: pulumi.Input<string>;
    partOf: string;
    tier: StatefulTier<string>;
    storageClass?: pulumi.Input<string>;
    /** Protect the volume in Pulumi and keep it in the cluster if the stack is destroyed. */
    protectData: boolean;
    /** Runs as this UID (the image's own service user). */
    uid: number;
    /** Where the volume is mounted. */
    dataPath: string;
    scratchPaths: string[];
    container: Omit<Container, "name" | "image" | "ports" | "resources" | "volumeMounts">;
    /** `None` gives a headless Service (stable per-pod DNS). */
    clusterIP?: "None";
}

export interface StatefulWorkload {
    claim: k8s.core.v1.PersistentVolumeClaim;
    service: k8s.core.v1.Service;
    statefulSet: k8s.apps.v1.StatefulSet;
}

/**
 * A single-replica StatefulSet on a PersistentVolumeClaim that Pulumi owns (not a volumeClaimTemplate,
 * whose claims no one deletes), with its ServiceAccount and Service. Children of `parent`.
 */
export function statefulWorkload(parent: pulumi.Resource, name: string, args: StatefulWorkloadArgs): StatefulWorkload {
    const { tier, namespace } = args;
    const labels = labelsFor(args.partOf, tier.name, "datastore");
    const selector = selectorFor(tier.name);
    const scratchSpace = scratch(args.scratchPaths);

    const account = new k8s.core.v1.ServiceAccount(
        `${name}-sa`,
        { metadata: { name: tier.name, namespace, labels }, automountServiceAccountToken: false },
        { parent },
    );

    const claim = new k8s.core.v1.PersistentVolumeClaim(
        `${name}-data`,
        {
            metadata: { name: tier.storage.claimName, namespace, labels },
            spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClass,
                resources: { requests: { storage: tier.storage.size } },
            },
        },
        { parent, protect: args.protectData, retainOnDelete: args.protectData },
    );

    const service = new k8s.core.v1.Service(
        name,
        {
            metadata: { name: tier.name, namespace, labels },
            spec: {
                clusterIP: args.clusterIP,
                selector,
                ports: tier.ports.map((p) => ({
                    name: p.name,
                    port: p.port,
                    targetPort: p.name,
                    protocol: "TCP",
                    appProtocol: p.appProtocol,
                })),
            },
        },
        { parent },
    );

    const statefulSet = new k8s.apps.v1.StatefulSet(
        name,
        {
            metadata: { name: tier.name, namespace, labels },
            spec: {
                serviceName: service.metadata.name,
                replicas: 1,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: account.metadata.name,
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        securityContext: restrictedPod(args.uid),
                        terminationGracePeriodSeconds: 60,
                        containers: [
                            {
                                name: tier.name,
                                image: tier.image,
                                ports: tier.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
                                resources: tier.resources,
                                volumeMounts: [{ name: "data", mountPath: args.dataPath }, ...scratchSpace.mounts],
                                ...args.container,
                            },
                        ],
                        volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } }, ...scratchSpace.volumes],
                    },
                },
            },
        },
        { parent },
    );

    return { claim, service, statefulSet };
}
