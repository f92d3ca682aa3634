import * as compute from "@pulumi/gcp/compute";
import * as container from "@pulumi/gcp/container";
import type { AddonConfig } from "../../config";
import type { GkeContext } from "./context";
import { PODS_RANGE, SERVICES_RANGE } from "./network";
import { workloadIdentityPool } from "./conventions";

/**
 * The VPC-native control plane: Workload Identity, Dataplane V2, the PD CSI driver and, as the
 * gateway add-on, GKE's own Gateway controller with the standard-channel Gateway API CRDs.
 */
export function cluster(x: GkeContext, net: { network: compute.Network; subnet: compute.Subnetwork }, addons: AddonConfig) {
    const { c, project, stack, labels, onGcp } = x;
    return new container.Cluster(
        `${project}-gke`,
        {
            description: `TicketBuster ${project}/${stack}`,
            location: c.location,
            network: net.network.id,
            subnetwork: net.subnet.id,
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: { clusterSecondaryRangeName: PODS_RANGE, servicesSecondaryRangeName: SERVICES_RANGE },
            // GKE needs a node pool at creation; it is deleted right away in favour of the managed one.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            releaseChannel: { channel: c.releaseChannel },
            workloadIdentityConfig: { workloadPool: workloadIdentityPool(c.project) },
            // Dataplane V2 (eBPF) enforces the app's NetworkPolicies; no Calico add-on with it.
            datapathProvider: "ADVANCED_DATAPATH",
            enableShieldedNodes: true,
            addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
            // The gateway add-on on GKE is this setting: GKE's Gateway controller and the standard-channel CRDs.
            gatewayApiConfig: addons.gateway ? { channel: "CHANNEL_STANDARD" } : { channel: "CHANNEL_DISABLED" },
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
}
