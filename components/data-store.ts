import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StoreTier } from "../apps/types";
import {
    containerPorts,
    labelsFor,
    Ownership,
    restrictedContainer,
    restrictedPod,
    scratch,
    selectorFor,
    servicePorts,
    SKIP_AWAIT,
} from "./pod";

type Container = k8s.types.input.core.v1.Container;

/** What every data store gets from the app: where it runs and whether its data is protected. */
export interface DataStoreArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    tier: StoreTier<string>;
    storageClass?: pulumi.Input<string>;
    /** Protect the volume in Pulumi and keep it in the cluster if the stack is destroyed. */
    protectData: boolean;
    /** Its PriorityClass: a store is preempted and evicted after the stateless tiers (components/addons/priority-classes.ts). */
    priorityClassName?: pulumi.Input<string>;
}

/** What each kind of data store adds: how its image runs. */
export interface DataStoreImage {
    /** Runs as this UID (the image's own service user). */
    uid: number;
    /** Where the volume is mounted. */
    dataPath: string;
    /** Writable paths besides the volume (the root filesystem is read-only). */
    scratchPaths: string[];
    container: Pick<Container, "command" | "args" | "env" | "startupProbe" | "readinessProbe" | "livenessProbe">;
}

/**
 * A single-replica StatefulSet on a PersistentVolumeClaim that Pulumi owns (not a volumeClaimTemplate,
 * whose claims nobody deletes), with its ServiceAccount and headless governing Service. One subclass
 * per kind of store says how its image runs.
 */
export abstract class DataStore extends pulumi.ComponentResource {
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
    readonly service: k8s.core.v1.Service;
    readonly statefulSet: k8s.apps.v1.StatefulSet;

    protected constructor(type: string, name: string, args: DataStoreArgs, image: DataStoreImage, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const { tier, namespace } = args;
        const labels = labelsFor(args.owner, tier.name, "datastore");
        const selector = selectorFor(tier.name);
        const meta = { name: tier.name, namespace, labels };
        const serviceName = tier.serviceName ?? tier.name;
        const scratchSpace = scratch(image.scratchPaths);
        const parent = this;

        const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta, automountServiceAccountToken: false }, { parent });

        this.claim = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-data`,
            {
                metadata: { ...meta, name: tier.storage.claimName },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: args.storageClass,
                    resources: { requests: { storage: tier.storage.size } },
                },
            },
            { parent, protect: args.protectData, retainOnDelete: args.protectData },
        );

        // Headless: the StatefulSet's governing Service (stable pod DNS), which clients use as well.
        this.service = new k8s.core.v1.Service(
            name,
            {
                metadata: { ...meta, name: serviceName, annotations: SKIP_AWAIT },
                spec: { clusterIP: "None", selector, ports: servicePorts(tier.ports) },
            },
            { parent },
        );

        this.statefulSet = new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: meta,
                spec: {
                    // The name, not the Service's output: the StatefulSet need not wait for its Service.
                    serviceName,
                    replicas: 1,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: account.metadata.name,
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: restrictedPod(image.uid),
                            terminationGracePeriodSeconds: 60,
                            priorityClassName: args.priorityClassName,
                            containers: [
                                {
                                    name: tier.name,
                                    image: tier.image,
                                    ports: containerPorts(tier.ports),
                                    resources: tier.resources,
                                    securityContext: restrictedContainer(),
                                    volumeMounts: [{ name: "data", mountPath: image.dataPath }, ...scratchSpace.mounts],
                                    ...image.container,
                                },
                            ],
                            volumes: [
                                { name: "data", persistentVolumeClaim: { claimName: this.claim.metadata.name } },
                                ...scratchSpace.volumes,
                            ],
                        },
                    },
                },
            },
            { parent },
        );

        this.registerOutputs({ service: this.service.metadata.name, claim: this.claim.metadata.name });
    }
}

/** The env var that reads one key of the store's credentials Secret. */
export function fromCredentials(tier: StoreTier<string>, name: string, key: "username" | "password"): k8s.types.input.core.v1.EnvVar {
    if (!tier.credentials) throw new Error(`data store ${tier.name} has no credentials`);
    return { name, valueFrom: { secretKeyRef: { name: tier.credentials.secretName, key } } };
}
