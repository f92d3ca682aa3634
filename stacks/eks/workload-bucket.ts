import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METADATA_ENDPOINT } from "../../components/network-policies";
import type { WorkloadBucket, WorkloadBucketArgs } from "../platform";
import { AwsContext, irsaTrust } from "./context";

/** The cluster's IAM OIDC provider (IRSA) and the account: own cluster, or the platform output's identity.aws. */
export interface ClusterIdentity {
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
}

/** S3 and STS answer on public HTTPS endpoints; the instance metadata endpoint stays out of reach (IRSA needs none of it). */
export const S3_EGRESS = [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_ENDPOINT] } }], ports: [{ protocol: "TCP", port: 443 }] }];

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");

/**
 * `<project>-<stack>-<name>-<account>`: S3 names are global, the account makes it unique, and the fixed
 * name lets a bucket kept by a destroyed stack be found (and imported) by the same stack later.
 * The stack part is shortened to keep the name within 63 characters.
 */
export function s3BucketName(project: string, stack: string, name: string, accountId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(accountId).apply((account) => {
        const fixed = [slug(project), slug(name), account];
        const room = 63 - fixed.join("-").length - 1;
        const stackPart = slug(stack).slice(0, Math.max(room, 0)).replace(/-+$/, "");
        return [fixed[0], ...(stackPart ? [stackPart] : []), fixed[1], fixed[2]].join("-");
    });
}

export interface BucketPolicyArgs {
    partition: string;
    bucket: string;
    keyArn: string;
    prefix?: string;
    deleteObjects?: boolean;
}

/** What the workload's role may do: list, read and write (and delete, when asked) under its prefix, with the bucket's KMS key. */
export function workloadBucketPolicy(a: BucketPolicyArgs): string {
    const bucketArn = `arn:${a.partition}:s3:::${a.bucket}`;
    const objects = a.prefix ? `${bucketArn}/${a.prefix}/*` : `${bucketArn}/*`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "List",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: bucketArn,
                ...(a.prefix ? { Condition: { StringLike: { "s3:prefix": [a.prefix, `${a.prefix}/*`] } } } : {}),
            },
            {
                Sid: "Objects",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject", ...(a.deleteObjects ? ["s3:DeleteObject"] : [])],
                Resource: objects,
            },
            // SSE-KMS: writing asks the key for a data key, reading asks it to decrypt one.
            { Sid: "Key", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: a.keyArn },
        ],
    });
}

/** Refuses every request that does not come over TLS. */
export function tlsOnlyPolicy(partition: string, bucket: string): string {
    const bucketArn = `arn:${partition}:s3:::${bucket}`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/**
 * An S3 bucket (versioned, SSE-KMS with its own rotating key, public access blocked, TLS only, objects
 * expiring after retentionDays) and an IRSA role that only the given ServiceAccount may assume. With
 * `protect`, the bucket and its key (without which the objects cannot be read) are protected and kept
 * on destroy; the role is not data and goes with the stack.
 */
export function workloadBuckets(x: AwsContext, identity: ClusterIdentity): (args: WorkloadBucketArgs) => WorkloadBucket {
    return (args) => {
        const { project, stack, onAws, partition, region } = x;
        const id = `${project}-${args.name}`;
        const keep = { ...onAws, protect: args.protect, retainOnDelete: args.protect };
        const key = new aws.kms.Key(
            id,
            { description: `${args.name} bucket of ${project}/${stack}`, enableKeyRotation: true, deletionWindowInDays: 30 },
            keep,
        );
        const bucket = new aws.s3.Bucket(
            id,
            // Unprotected (protectData off), a destroy removes the bucket with its objects, as it does the data volumes.
            { bucket: s3BucketName(project, stack, args.name, identity.accountId), forceDestroy: !args.protect },
            keep,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            id,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            onAws,
        );
        new aws.s3.BucketVersioning(id, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, onAws);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            id,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
            onAws,
        );
        new aws.s3.BucketLifecycleConfiguration(
            id,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            onAws,
        );
        // After the public access block: S3 refuses concurrent changes to a bucket's policy and its block.
        new aws.s3.BucketPolicy(id, { bucket: bucket.id, policy: bucket.bucket.apply((b) => tlsOnlyPolicy(partition, b)) }, { ...onAws, dependsOn: [publicAccess] });

        const subject = `system:serviceaccount:${args.serviceAccount.namespace}:${args.serviceAccount.name}`;
        const role = new aws.iam.Role(
            id,
            { description: `${args.name} bucket access (IRSA) of ${project}/${stack}`, assumeRolePolicy: irsaTrust(identity.oidcProviderArn, identity.oidcIssuer, subject) },
            onAws,
        );
        new aws.iam.RolePolicy(
            id,
            {
                role: role.id,
                policy: pulumi
                    .all([bucket.bucket, key.arn])
                    .apply(([b, keyArn]) => workloadBucketPolicy({ partition, bucket: b, keyArn, prefix: args.prefix, deleteObjects: args.deleteObjects })),
            },
            onAws,
        );
        return {
            bucket: bucket.bucket,
            location: { kind: "s3", region },
            serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role.arn },
            egress: S3_EGRESS,
        };
    };
}
