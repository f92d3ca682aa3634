import * as aws from "@pulumi/aws";
import type { Vpc } from "@pulumi/awsx/ec2";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksContext } from "./context";

export interface EksCluster {
    cluster: eks.Cluster;
    clusterName: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
    provider: k8s.Provider;
}

/** The control plane: KMS envelope encryption, access entries, OIDC (IRSA), the VPC CNI with network policies. */
export function cluster(x: EksContext, vpc: Vpc): EksCluster {
    const { c, project, stack, partition } = x;
    const secretsKey = new aws.kms.Key(
        `${project}-eks-secrets`,
        { description: `Envelope encryption of Kubernetes Secrets, EKS cluster of ${project}/${stack}`, enableKeyRotation: true },
        x.onAws,
    );

    const cluster = new eks.Cluster(
        `${project}-eks`,
        {
            version: c.kubernetesVersion,
            // STANDARD: no extended-support surcharge; AWS upgrades the control plane when support ends.
            upgradePolicy: { supportType: "STANDARD" },
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.publicSubnetIds,
            privateSubnetIds: vpc.privateSubnetIds,
            nodeAssociatePublicIpAddress: false,
            skipDefaultNodeGroup: true,
            // Managed nodes and the control plane share the security group EKS creates itself.
            skipDefaultSecurityGroups: true,
            authenticationMode: eks.AuthenticationMode.Api,
            accessEntries: Object.fromEntries(
                c.clusterAdmins.map((arn) => [
                    arn.slice(arn.lastIndexOf(":") + 1).replace(/\//g, "-"),
                    {
                        principalArn: arn,
                        accessPolicies: {
                            admin: {
                                policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                                accessScope: { type: "cluster" },
                            },
                        },
                    },
                ]),
            ),
            createOidcProvider: true,
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: c.publicAccessCidrs,
            encryptionConfigKeyArn: secretsKey.arn,
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            // The VPC CNI as a managed add-on with its policy agent: without it, the app's NetworkPolicies are ignored.
            useDefaultVpcCni: false,
            vpcCniOptions: { enableNetworkPolicy: true },
        },
        x.inAwsComponent,
    );
    const kubeconfig = pulumi.secret(cluster.kubeconfigJson.apply((json) => withRegion(json, c.region)));
    const provider = new k8s.Provider("eks", { kubeconfig });
    return { cluster, clusterName: cluster.eksCluster.name, kubeconfig, provider };
}

/**
 * pulumi-eks leaves `--region` out of the `aws eks get-token` exec (pulumi/pulumi-eks#1038), so the
 * token would be requested in whatever region the caller's AWS CLI defaults to.
 */
function withRegion(kubeconfigJson: string, region: string): string {
    const config = JSON.parse(kubeconfigJson) as { users?: { user?: { exec?: { command?: string; args?: string[] } } }[] };
    for (const { user } of config.users ?? []) {
        const exec = user?.exec;
        if (exec?.command === "aws" && exec.args && !exec.args.includes("--region")) exec.args.push("--region", region);
    }
    return JSON.stringify(config);
}
