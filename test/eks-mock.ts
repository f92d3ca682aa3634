import type { RunOptions } from "./harness";

/** What the cloud would compute: outputs of the remote components and of a few AWS resources. */
export const ACCOUNT = "123456789012";
export const PUBLIC_SUBNETS = ["subnet-pub-a", "subnet-pub-b"];
export const PRIVATE_SUBNETS = ["subnet-priv-a", "subnet-priv-b"];
export const OIDC_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/5C1A0B2D";
export const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_ISSUER}`;
export const CLUSTER_NAME = "ticketbuster-eks-cluster-7d1e0f3";
// As pulumi-eks writes it: no --region in the exec args.
export const KUBECONFIG = {
    apiVersion: "v1",
    clusters: [
        { name: "kubernetes", cluster: { server: "https://ABC.gr7.us-east-1.eks.amazonaws.com", "certificate-authority-data": "LS0t" } },
    ],
    contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
    "current-context": "aws",
    kind: "Config",
    users: [
        {
            name: "aws",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", CLUSTER_NAME],
                },
            },
        },
    ],
};

export const cloudState: RunOptions["state"] = ({ type, name, inputs }) => {
    switch (type) {
        case "awsx:ec2:Vpc":
            return { vpcId: "vpc-0a1b2c", publicSubnetIds: PUBLIC_SUBNETS, privateSubnetIds: PRIVATE_SUBNETS };
        case "eks:index:Cluster":
            return {
                eksCluster: { name: CLUSTER_NAME },
                kubeconfigJson: JSON.stringify(KUBECONFIG),
                oidcProviderArn: OIDC_ARN,
                oidcIssuer: OIDC_ISSUER,
            };
        case "aws:iam/role:Role":
            return { name: `${name}-role`, arn: `arn:aws:iam::${ACCOUNT}:role/${name}-role` };
        case "aws:kms/key:Key":
            return { arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${name}` };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 4 };
        case "aws:ecr/repository:Repository":
            return { repositoryUrl: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${inputs.name}` };
    }
    return undefined;
};
