import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PriorityClasses } from "../../components/addons/priority-classes";
import type { StackConfig } from "../../config";
import type { Platform } from "../platform";
import { cluster } from "./cluster";
import { gkeContext } from "./context";
import { execKubeconfig } from "./exec-kubeconfig";
import { network } from "./network";
import { nodes } from "./nodes";
import { registry } from "./registry";

/** GKE's own Gateway controller (gatewayApiConfig on the cluster): a global external Application LB. */
export const GKE_GATEWAY_CLASS = "gke-l7-global-external-managed";
/** Source ranges of Google Front Ends and health checks, documented for firewall rules. */
const GOOGLE_FRONT_ENDS = ["35.191.0.0/16", "130.211.0.0/22"];

/** The in-tree pd-balanced class that GKE creates with the Compute Engine PD CSI driver. */
export const GKE_STORAGE_CLASS = "standard-rwo";

/**
 * A VPC-native GKE cluster in its own network, one autoscaled node pool running as a dedicated service
 * account, and an Artifact Registry repository for the app images. Every Kubernetes object goes through
 * this cluster's provider, which waits for the node pool: on `pulumi destroy` the app (and the load
 * balancers behind its Services and routes) goes first, then the nodes, the cluster and the network.
 * metrics-server is built into GKE; the gateway add-on is the cluster's gatewayApiConfig (cluster.ts).
 */
export function gkePlatform(cfg: StackConfig & { target: "gke" }): Platform {
    const x = gkeContext(cfg.gke);
    const { c } = x;

    const net = network(x);
    const gke = cluster(x, net, cfg.addons);
    const nodePool = nodes(x, gke);

    const kubeconfig = pulumi
        .all([gke.name, gke.endpoint, gke.masterAuth])
        .apply(([name, endpoint, auth]) =>
            execKubeconfig(`gke_${c.project}_${c.location}_${name}`, `https://${endpoint}`, auth.clusterCaCertificate),
        );
    // Waiting for the nodes: otherwise the workloads would be created, and time out, while the pool boots.
    const provider = new k8s.Provider("gke", { kubeconfig }, { dependsOn: [nodePool] });
    const registryUrl = registry(x);
    const priorityClasses = new PriorityClasses("priority-classes", {}, { providers: { kubernetes: provider } }).names;

    return {
        provider,
        storageClass: cfg.storageClass ?? GKE_STORAGE_CLASS,
        priorityClasses,
        kind: "cloud",
        routing: {
            gatewayClassName: cfg.routeClassName ?? GKE_GATEWAY_CLASS,
            ingressClassName: cfg.routeClassName ?? "gce",
            listenerPort: 80,
            // Google's front ends and health checkers reach the pods (container-native load balancing).
            sources: cfg.routeControllerNamespace
                ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.routeControllerNamespace } } }]
                : GOOGLE_FRONT_ENDS.map((cidr) => ({ ipBlock: { cidr } })),
        },
        imageRepository: (image) => pulumi.interpolate`${registryUrl}/${image}`,
        outputs: {
            gcpProject: c.project,
            location: c.location,
            clusterName: gke.name,
            clusterEndpoint: gke.endpoint,
            kubeconfig: pulumi.secret(kubeconfig),
            registryUrl,
        },
    };
}
