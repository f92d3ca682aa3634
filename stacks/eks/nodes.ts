import * as aws from "@pulumi/aws";
import type { Vpc } from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { EksContext, managedPolicy } from "./context";

const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/** The managed node group in the private subnets: its role, launch template (IMDSv2, encrypted gp3) and scaling. */
export function nodes(x: EksContext, vpc: Vpc, clusterName: pulumi.Input<string>): aws.eks.NodeGroup {
    const { c, project, stack, tags, onAws } = x;
    const nodeRole = new aws.iam.Role(
        `${project}-nodes`,
        {
            description: `EKS worker nodes of ${project}/${stack}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        },
        onAws,
    );
    const nodePolicies = NODE_POLICIES.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(`${project}-nodes-${policy}`, { role: nodeRole.name, policyArn: managedPolicy(x, policy) }, onAws),
    );

    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${project}-nodes`,
        {
            description: `EKS worker nodes of ${project}/${stack}: IMDSv2 only, encrypted gp3 root volume`,
            updateDefaultVersion: true,
            // Hop limit 1 keeps pods off the node's instance role; the add-ons that need AWS use IRSA or host networking.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                },
            ],
            // Provider default tags stop at the launch template; these reach the instances EKS launches.
            tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags })),
        },
        onAws,
    );

    return new aws.eks.NodeGroup(
        `${project}-nodes`,
        {
            clusterName,
            version: c.kubernetesVersion,
            nodeRoleArn: nodeRole.arn,
            subnetIds: vpc.privateSubnetIds,
            instanceTypes: [c.instanceType],
            amiType: isGraviton(c.instanceType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
            scalingConfig: { desiredSize: c.desiredNodes, minSize: c.minNodes, maxSize: c.maxNodes },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
        },
        { ...onAws, dependsOn: nodePolicies },
    );
}

/** t4g, m7g, c6gn...: the AL2023 AMI must match the CPU architecture. */
function isGraviton(instanceType: string): boolean {
    return /^[a-z]+[0-9]+[a-z]*g[a-z]*\./.test(instanceType);
}
