// @pulumi/awsx/ec2, not the package root, which also loads awsx's classic SDK (~140 ms per run).
import { Vpc } from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import type { EksConfig } from "../../config/eks";

/** The VPC: public subnets (load balancers) and private subnets (the nodes), with NAT gateways. */
export function network(project: string, c: EksConfig, inAwsComponent: pulumi.ComponentResourceOptions): Vpc {
    return new Vpc(
        `${project}-vpc`,
        {
            cidrBlock: c.vpcCidr,
            numberOfAvailabilityZones: c.azCount,
            subnetStrategy: "Auto",
            subnetSpecs: [
                // Role tags tell the AWS cloud provider where to put internet-facing and internal load balancers.
                { type: "Public", cidrBlocks: c.publicSubnetCidrs, tags: { "kubernetes.io/role/elb": "1" } },
                { type: "Private", cidrBlocks: c.privateSubnetCidrs, tags: { "kubernetes.io/role/internal-elb": "1" } },
            ],
            natGateways: { strategy: c.natGateways },
            enableDnsHostnames: true,
            enableDnsSupport: true,
        },
        inAwsComponent,
    );
}
