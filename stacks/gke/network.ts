import * as compute from "@pulumi/gcp/compute";
import type { GkeContext } from "./context";

/** Names of the subnetwork's secondary ranges, as the cluster's ipAllocationPolicy refers to them. */
export const PODS_RANGE = "pods";
export const SERVICES_RANGE = "services";

/** The VPC, one subnetwork with the pods' and Services' secondary ranges, and Cloud NAT for private nodes. */
export function network(x: GkeContext) {
    const { c, project, stack, onGcp } = x;
    const network = new compute.Network(
        `${project}-vpc`,
        { description: `GKE network of ${project}/${stack}`, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
        onGcp,
    );
    const subnet = new compute.Subnetwork(
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
        const router = new compute.Router(`${project}-router`, { network: network.id, region: c.region }, onGcp);
        new compute.RouterNat(
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
    return { network, subnet };
}
