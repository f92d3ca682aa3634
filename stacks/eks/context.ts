import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EksConfig } from "../../config/eks";

/** What every part of the EKS target shares: names, tags, the AWS provider and its options. */
export interface EksContext {
    c: EksConfig;
    project: string;
    stack: string;
    partition: string;
    tags: Record<string, string>;
    awsProvider: aws.Provider;
    /** For AWS resources. */
    onAws: pulumi.CustomResourceOptions;
    /** For components that create AWS resources (awsx, eks). */
    inAwsComponent: pulumi.ComponentResourceOptions;
}

export function eksContext(c: EksConfig): EksContext {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const tags = { Project: project, Stack: stack };
    // Every AWS resource, including those inside the awsx/eks components, gets the region and tags from here.
    const awsProvider = new aws.Provider("aws", { region: c.region, defaultTags: { tags } });
    return {
        c,
        project,
        stack,
        partition: partitionOf(c.region),
        tags,
        awsProvider,
        onAws: { provider: awsProvider },
        inAwsComponent: { providers: { aws: awsProvider } },
    };
}

export const managedPolicy = (x: EksContext, name: string) => `arn:${x.partition}:iam::aws:policy/${name}`;

function partitionOf(region: string): string {
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** IRSA: a role only one Kubernetes ServiceAccount (system:serviceaccount:<ns>:<name>) may assume. */
export function irsaTrust(oidcProviderArn: pulumi.Input<string>, oidcIssuer: pulumi.Input<string>, subject: string): pulumi.Output<string> {
    return pulumi.all([oidcProviderArn, oidcIssuer]).apply(([providerArn, issuer]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: providerArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: "sts.amazonaws.com" } },
                },
            ],
        }),
    );
}
