import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HostTlsFactory } from "../components/host-tls";
import type { Addons } from "../config/addons";
import type { PlatformOutput } from "../config/platform-output";
import type { Target } from "../config/schema";
import type { PlatformTls, TlsChoice } from "../config/tls";
import type { DeepInput } from "./export";

type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** A bucket the pods of one Kubernetes ServiceAccount may use, and how they reach it. */
export interface WorkloadBucketArgs {
    /** Resource-name stem and purpose, e.g. "backups" or "loki" (bucket names derive from project/stack/this). */
    name: string;
    /** The ServiceAccount its pods run as (IRSA trust / Workload Identity binding). */
    serviceAccount: { namespace: string; name: string };
    /** Objects (and noncurrent versions) expire after this many days (a lifecycle rule). */
    retentionDays: number;
    /** protect + retainOnDelete on the bucket (the stack's protectData). */
    protect: boolean;
    /** Grant only this key prefix (S3: the IAM policy's object resources and a ListBucket prefix condition); whole bucket when absent. */
    prefix?: string;
    /**
     * Also grant s3:DeleteObject (e.g. Loki's compactor); by default the pods only write and read, and the
     * lifecycle rule expires what they wrote. GCS: objectAdmin either way (see stacks/gke/workload-bucket.ts).
     */
    deleteObjects?: boolean;
}

export interface WorkloadBucket {
    bucket: pulumi.Output<string>;
    /** What an S3 / GCS client needs besides its (ambient, workload-identity) credentials. */
    location: { kind: "s3"; region: string } | { kind: "gcs"; project: string };
    /** Annotations of the ServiceAccount: eks.amazonaws.com/role-arn, or iam.gke.io/gcp-service-account. */
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
    /**
     * NetworkPolicy egress rules the pods need to reach the object store: HTTPS (443) to anywhere but the
     * instance metadata endpoint, and on GKE the metadata server that Workload Identity needs.
     */
    egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
}

/** How the target serves an app's routes (Gateway API first, Ingress as the option). */
export interface RoutingPlatform {
    gatewayClassName: string;
    ingressClassName: string;
    /** The port of the Gateway's HTTP listener (what the controller listens on). */
    listenerPort: number;
    /** The namespace of the controller's pods, when it runs in the cluster (Traefik, or as configured). */
    controllerNamespace?: string;
    /** Where routed traffic comes from (the controller's pods, or the cloud load balancer's addresses). */
    sources: NetworkPolicyPeer[];
    /** Annotations of the Ingress form (e.g. the ALB's scheme and target type on EKS). */
    ingressAnnotations?: Record<string, string>;
    /** What the routes wait for: the controller and its CRDs, when the program installs them. */
    dependsOn?: pulumi.Resource[];
}

/** HTTPS and DNS of the routes on this platform: the stack's resolved choice and how a host gets its certificate. */
export interface TlsPlatform {
    choice: TlsChoice;
    /** The port of the Gateway's HTTPS listener (the controller's TLS entrypoint). */
    httpsPort: number;
    /** Makes a host's certificate, its listener's TLS and its DNS record; undefined when the routes are plain HTTP. */
    forHost?: HostTlsFactory;
    /** What the app stacks of this platform read (the platform output's `tls`). */
    exported: PlatformTls;
    /** Stack outputs (e.g. how to trust the local CA). */
    outputs: Record<string, pulumi.Input<unknown>>;
}

/**
 * What a target (local, EKS, GKE), or the platform stack an app stack references, hands to the app.
 * The app never asks which target it runs on.
 */
export interface Platform {
    target: Target;
    /** Every Kubernetes object is created through this provider, never the ambient default one. */
    provider: k8s.Provider;
    /** StorageClass for the database volumes; undefined means the cluster's default class. */
    storageClass?: pulumi.Input<string>;
    /** A cloud target (LoadBalancer Services get a real load balancer) or a local cluster. */
    kind: "local" | "cloud";
    /** Annotations of a LoadBalancer Service (e.g. an NLB on EKS). */
    loadBalancerAnnotations?: Record<string, string>;
    /** Full image repository (no tag) for an app image name, e.g. `<ecr url>` or `ticketbuster/frontend`. */
    imageRepository(image: string): pulumi.Input<string>;
    routing: RoutingPlatform;
    tls: TlsPlatform;
    /** Resources the app must wait for (e.g. a StorageClass or CSI add-on). */
    dependsOn?: pulumi.Resource[];
    /**
     * The cluster's PriorityClasses (components/addons/priority-classes.ts): the data stores' and the
     * add-ons'. The stateless tiers keep the default priority.
     */
    priorityClasses: { dataStores: pulumi.Input<string>; addons: pulumi.Input<string> };
    /** Which add-ons the cluster runs: this stack's own, or the referenced platform stack's. */
    installed: Addons;
    /** With logging installed: where an app's log alert rules go (an app stack reads it from its platform; else components/addons/loki.ts LOKI_RULES). */
    logging?: { namespace: string; rulesLabels: Record<string, string> };
    /** The target's own add-ons this stack installed (undefined when off, built in, or another stack's). */
    addons?: { metricsServer?: pulumi.Resource; gatewayController?: pulumi.Resource };
    /** Target-specific stack outputs (cluster name, kubeconfig as a secret, registry URLs...). */
    outputs: Record<string, pulumi.Input<unknown>>;
    /**
     * A bucket for the pods of one ServiceAccount, with its cloud identity (EKS: S3 + IRSA, GKE: GCS +
     * Workload Identity), on own-cluster and app stacks alike; undefined on a local cluster.
     */
    workloadBucket?(args: WorkloadBucketArgs): WorkloadBucket;
    /** A stack that owns its cluster exports this as `platform`, for the app stacks that reference it. */
    exported?: DeepInput<PlatformOutput>;
}
