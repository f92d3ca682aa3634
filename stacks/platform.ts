import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * What a target (local, EKS, GKE) hands to the app. The app never asks which target it runs on.
 */
export interface Platform {
    /** Every Kubernetes object is created through this provider, never the ambient default one. */
    provider: k8s.Provider;
    /** StorageClass for the database volumes; undefined means the cluster's default class. */
    storageClass?: pulumi.Input<string>;
    /** How the public tier (frontend) is exposed. */
    publicService: {
        type: "LoadBalancer" | "NodePort" | "ClusterIP";
        annotations?: Record<string, string>;
    };
    /** Full image repository (no tag) for an app image name, e.g. `<ecr url>` or `ticketbuster/frontend`. */
    imageRepository(image: string): pulumi.Input<string>;
    /** Resources the app must wait for (e.g. a StorageClass or CSI add-on). */
    dependsOn?: pulumi.Resource[];
    /** Target-specific stack outputs (cluster name, kubeconfig as a secret, registry URLs...). */
    outputs: Record<string, pulumi.Input<unknown>>;
}
