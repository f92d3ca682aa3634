import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PriorityClasses } from "../../components/addons/priority-classes";
import type { OwnCluster, StackConfig } from "../../config";
import { platformOutput } from "../export";
import type { Platform } from "../platform";
import { cluster } from "./cluster";
import { gkeContext } from "./context";
import { gkeTls } from "./host-tls";
import { execKubeconfig } from "./exec-kubeconfig";
import { network } from "./network";
import { nodes } from "./nodes";
import { registry } from "./registry";
import { workloadBuckets } from "./workload-bucket";
import { GKE_STORAGE_CLASS, gkeRouting, workloadIdentityPool } from "./conventions";

/**
 * A VPC-native GKE cluster in its own network, one autoscaled node pool running as a dedicated service
 * account, and an Artifact Registry repository for the app images. Every Kubernetes object goes through
 * this cluster's provider, which waits for the node pool: on `pulumi destroy` the app (and the load
 * balancers behind its Services and routes) goes first, then the nodes, the cluster and the network.
 * metrics-server is built into GKE; the gateway add-on is the cluster's gatewayApiConfig (cluster.ts).
 */
export function gkePlatform(cfg: StackConfig & OwnCluster & { target: "gke" }): Platform {
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

    const platform: Platform = {
        target: "gke",
        provider,
        storageClass: cfg.storageClass ?? GKE_STORAGE_CLASS,
        priorityClasses,
        kind: "cloud",
        routing: gkeRouting(cfg.routeClassName, cfg.routeControllerNamespace),
        tls: gkeTls(cfg.tls, x.onGcp),
        imageRepository: (image) => pulumi.interpolate`${registryUrl}/${image}`,
        workloadBucket: workloadBuckets(x, { project: c.project, region: c.region, workloadIdentityPool: workloadIdentityPool(c.project) }),
        installed: { metricsServer: cfg.addons.metricsServer, gateway: cfg.addons.gateway, monitoring: cfg.addons.monitoring, logging: cfg.addons.logging },
        outputs: {
            gcpProject: c.project,
            location: c.location,
            clusterName: gke.name,
            clusterEndpoint: gke.endpoint,
            kubeconfig: pulumi.secret(kubeconfig),
            registryUrl,
        },
    };
    return {
        ...platform,
        exported: platformOutput(platform, {
            kubernetes: { kubeconfig },
            registry: { kind: "artifact-registry", url: registryUrl },
            identity: { gcp: { project: c.project, region: c.region, location: c.location, workloadIdentityPool: workloadIdentityPool(c.project) } },
        }),
    };
}
