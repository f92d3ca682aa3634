import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import type { Platform } from "./platform";

/** Names of the subnetwork's secondary ranges, as the cluster's ipAllocationPolicy refers to them. */
export const PODS_RANGE = "pods";
export const SERVICES_RANGE = "services";

/** What GKE nodes need (logs, metrics, image pulls) and nothing more; replaces the Compute Engine default account. */
export const NODE_ROLES = [
    "logging.logWriter",
    "monitoring.metricWriter",
    "monitoring.viewer",
    "stackdriver.resourceMetadata.writer",
    "artifactregistry.reader",
];

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

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
 * balancer behind the frontend Service) goes first, then the nodes, the cluster and the network.
 */
export function gkePlatform(cfg: StackConfig & { target: "gke" }): Platform {
    const c = cfg.gke;
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const labels = { project: labelValue(project), stack: labelValue(stack) };

    // Project, region and labels for every GCP resource come from this one provider.
    const gcpProvider = new gcp.Provider("gcp", { project: c.project, region: c.region, defaultLabels: labels });
    const onGcp = { provider: gcpProvider };

    const network = new gcp.compute.Network(
        `${project}-vpc`,
        { description: `GKE network of ${project}/${stack}`, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
        onGcp,
    );
    const subnet = new gcp.compute.Subnetwork(
        `${project}-nodes`,
        {
            description: `GKE nodes (primary), pods and Services (secondary) of ${project}/${stack}`,
            network: network.id,
            region: c.region,
            ipCidrRange: c.subnetCidr,
            secondaryIpRanges: [
                { rangeName: PODS_RANGE, ipCidrRange: c.podsCidr },
                { rangeName: SERVICES_RANGE, ipCidrRange: c.servicesCidr },
            ],
            // Nodes without external IPs still reach Google APIs (Artifact Registry, logging).
            privateIpGoogleAccess: true,
        },
        onGcp,
    );

    if (c.privateNodes) {
        // postgres and rabbitmq come from Docker Hub: private nodes need a NAT to pull them.
        const router = new gcp.compute.Router(`${project}-router`, { network: network.id, region: c.region }, onGcp);
        new gcp.compute.RouterNat(
            `${project}-nat`,
            {
                router: router.name,
                region: c.region,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            onGcp,
        );
    }

    const nodeAccount = new gcp.serviceaccount.Account(
        `${project}-nodes`,
        {
            accountId: nodeAccountId(stack),
            displayName: `GKE nodes of ${project}/${stack}`,
            description: "Least-privilege node identity (logs, metrics, image pulls); pods use Workload Identity",
        },
        onGcp,
    );
    const nodeRoles = NODE_ROLES.map(
        (role) =>
            new gcp.projects.IAMMember(
                `${project}-nodes-${role}`,
                { project: c.project, role: `roles/${role}`, member: pulumi.interpolate`serviceAccount:${nodeAccount.email}` },
                onGcp,
            ),
    );

    const cluster = new gcp.container.Cluster(
        `${project}-gke`,
        {
            description: `TicketBuster ${project}/${stack}`,
            location: c.location,
            network: network.id,
            subnetwork: subnet.id,
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: { clusterSecondaryRangeName: PODS_RANGE, servicesSecondaryRangeName: SERVICES_RANGE },
            // GKE needs a node pool at creation; it is deleted right away in favour of the managed one below.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            releaseChannel: { channel: c.releaseChannel },
            workloadIdentityConfig: { workloadPool: `${c.project}.svc.id.goog` },
            // Dataplane V2 (eBPF) enforces the app's NetworkPolicies; no Calico add-on with it.
            datapathProvider: "ADVANCED_DATAPATH",
            enableShieldedNodes: true,
            addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
            // GKE's Gateway controller and the standard-channel Gateway API CRDs (the apps' HTTPRoutes).
            // The gateway add-on on GKE is this setting (no controller to install).
            gatewayApiConfig: cfg.addons.gateway ? { channel: "CHANNEL_STANDARD" } : { channel: "CHANNEL_DISABLED" },
            privateClusterConfig: c.privateNodes
                ? { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: c.masterIpv4CidrBlock }
                : undefined,
            masterAuthorizedNetworksConfig: c.masterAuthorizedNetworks && {
                cidrBlocks: c.masterAuthorizedNetworks.map((cidrBlock) => ({ cidrBlock, displayName: `allowed ${cidrBlock}` })),
            },
            deletionProtection: c.deletionProtection,
            resourceLabels: labels,
        },
        onGcp,
    );

    const nodePool = new gcp.container.NodePool(
        `${project}-nodes`,
        {
            cluster: cluster.id,
            location: c.location,
            initialNodeCount: c.nodeCount,
            autoscaling: { minNodeCount: c.minNodes, maxNodeCount: c.maxNodes },
            management: { autoRepair: true, autoUpgrade: true },
            // One extra node during upgrades, never one fewer.
            upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
            nodeConfig: {
                machineType: c.machineType,
                imageType: "COS_CONTAINERD",
                diskType: "pd-balanced",
                serviceAccount: nodeAccount.email,
                // Access is governed by the account's IAM roles; the scope only stops narrowing it.
                oauthScopes: [CLOUD_PLATFORM_SCOPE],
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                // Pods see the GKE metadata server (Workload Identity), never the node's credentials.
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                // The provider's default labels do not reach the VM instances.
                resourceLabels: labels,
            },
        },
        // The autoscaler owns the size once the pool exists; a new nodeCount must not recreate the pool.
        { ...onGcp, dependsOn: nodeRoles, ignoreChanges: ["initialNodeCount"] },
    );

    const kubeconfig = pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth])
        .apply(([name, endpoint, auth]) =>
            execKubeconfig(`gke_${c.project}_${c.location}_${name}`, `https://${endpoint}`, auth.clusterCaCertificate),
        );
    // Waiting for the nodes: otherwise the workloads would be created, and time out, while the pool boots.
    const provider = new k8s.Provider("gke", { kubeconfig }, { dependsOn: [nodePool] });

    const registry = new gcp.artifactregistry.Repository(
        `${project}-images`,
        {
            repositoryId: c.repository,
            location: c.region,
            format: "DOCKER",
            description: `App images of ${project}/${stack}`,
            // imageTag is pinned (never latest); a pushed tag must not move underneath a running Deployment.
            dockerConfig: { immutableTags: true },
        },
        onGcp,
    );
    const registryUrl = pulumi.interpolate`${c.region}-docker.pkg.dev/${c.project}/${registry.repositoryId}`;

    return {
        provider,
        storageClass: cfg.storageClass ?? GKE_STORAGE_CLASS,
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
            clusterName: cluster.name,
            clusterEndpoint: cluster.endpoint,
            kubeconfig: pulumi.secret(kubeconfig),
            registryUrl,
        },
    };
}

/**
 * A kubeconfig that gets its token from `gke-gcloud-auth-plugin` (client-go dropped the built-in
 * `auth-provider: gcp` in Kubernetes 1.26). JSON is valid YAML, so kubectl reads it as is.
 */
export function execKubeconfig(context: string, server: string, caData: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server, "certificate-authority-data": caData } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint:
                            "Install gke-gcloud-auth-plugin for use with kubectl by following " +
                            "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
                        provideClusterInfo: true,
                        interactiveMode: "IfAvailable",
                    },
                },
            },
        ],
    });
}

/** GCP label values: lowercase letters, digits, '_' and '-', at most 63 characters. */
function labelValue(s: string): string {
    return s.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
}

/** A service account id (6-30 characters, [a-z][a-z0-9-]*[a-z0-9]) unique per stack: tb-<stack>-nodes. */
export function nodeAccountId(stack: string): string {
    const slug = stack.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 21).replace(/-+$/, "");
    return `tb-${slug || "stack"}-nodes`;
}
