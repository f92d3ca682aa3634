import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EksConfig } from "../../config/eks";

/** What every AWS resource of a stack shares: names, tags, the AWS provider and its options. */
export interface AwsContext {
    project: string;
    stack: string;
    region: string;
    partition: string;
    tags: Record<string, string>;
    awsProvider: aws.Provider;
    /** For AWS resources. */
    onAws: pulumi.CustomResourceOptions;
    /** For components that create AWS resources (awsx, eks). */
    inAwsComponent: pulumi.ComponentResourceOptions;
}

/** What every part of the EKS target shares: the AWS context and the target's config. */
export interface EksContext extends AwsContext {
    c: EksConfig;
}

/** Every AWS resource of the stack, including those inside the awsx/eks components, gets the region and tags from here. */
export function awsContext(region: string): AwsContext {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const tags = { Project: project, Stack: stack };
    const awsProvider = new aws.Provider("aws", { region, defaultTags: { tags } });
    return {
        project,
        stack,
        region,
        partition: partitionOf(region),
        tags,
        awsProvider,
        onAws: { provider: awsProvider },
        inAwsComponent: { providers: { aws: awsProvider } },
    };
}

export function eksContext(c: EksConfig): EksContext {
    return { c, ...awsContext(c.region) };
}

export const managedPolicy = (x: AwsContext, name: string) => `arn:${x.partition}:iam::aws:policy/${name}`;

export function partitionOf(region: string): string {
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

/** The account of an IAM OIDC provider's ARN (arn:<partition>:iam::<account>:oidc-provider/<issuer>). */
export const accountOf = (oidcProviderArn: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.output(oidcProviderArn).apply((arn) => arn.split(":")[4]);
