import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createPlatform } from "../stacks";
import type { WorkloadBucketArgs } from "../stacks/platform";
import { cloudStateFor, EKS, EKS_OIDC_ARN, platformsFor } from "./cloud-mocks";
import { plain, Registered, RunResult, runProgram } from "./harness";

/** A program that builds the stack's platform and asks it for one workload bucket, as backups and Loki do. */
const bucketProgram = (args: WorkloadBucketArgs) => async () => {
    const platform = await createPlatform(loadConfig());
    if (!platform.workloadBucket) return { none: true };
    const b = platform.workloadBucket(args);
    return { bucket: b.bucket, location: b.location, annotations: b.serviceAccountAnnotations, egress: b.egress };
};

const ARGS: WorkloadBucketArgs = { name: "backups", serviceAccount: { namespace: "shop", name: "store-backup" }, retentionDays: 14, protect: true, prefix: "shop" };

async function bucketOn(stack: string, args: Partial<WorkloadBucketArgs> = {}): Promise<RunResult> {
    const run = await runProgram({ stack, state: cloudStateFor(stack), platforms: await platformsFor(stack) }, bucketProgram({ ...ARGS, ...args }));
    if (run.error) throw run.error;
    return run;
}

const named = (run: RunResult, type: string, name = "ticketbuster-backups"): Registered => {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
    return found[0];
};
const inputs = (run: RunResult, type: string, name?: string) => plain(named(run, type, name).inputs);

const HTTPS_OUT = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] };

describe.each([
    ["eks", "own cluster", "ticketbuster-eks-backups-123456789012"],
    ["bookstore-eks", "app stack on platform-eks", "ticketbuster-bookstore-eks-backups-123456789012"],
])("workload bucket on %s (%s)", (stack, _role, bucketName) => {
    let run: RunResult;
    beforeAll(async () => {
        run = await bucketOn(stack);
    });

    it("is an S3 bucket named after project, stack, purpose and account, in the stack's region", () => {
        expect(inputs(run, "aws:s3/bucket:Bucket").bucket).toBe(bucketName);
        expect(run.outputs.bucket).toBe(bucketName);
        expect(run.outputs.location).toEqual({ kind: "s3", region: EKS.region });
    });

    it("versions, encrypts with its own rotating KMS key, blocks public access and expires objects after the retention", () => {
        expect(inputs(run, "aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration).toEqual({ status: "Enabled" });
        const key = inputs(run, "aws:kms/key:Key");
        expect(key.enableKeyRotation).toBe(true);
        const keyArn = `arn:aws:kms:${EKS.region}:${EKS.account}:key/ticketbuster-backups`;
        expect(inputs(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
        ]);
        const block = inputs(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        expect([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets]).toEqual([true, true, true, true]);
        expect(inputs(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules).toEqual([
            {
                id: "expire",
                status: "Enabled",
                filter: {},
                expiration: { days: 14 },
                noncurrentVersionExpiration: { noncurrentDays: 14 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            },
        ]);
    });

    it("refuses every request without TLS", () => {
        const policy = JSON.parse(inputs(run, "aws:s3/bucketPolicy:BucketPolicy").policy);
        expect(policy.Statement).toEqual([
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });

    it("gives an IRSA role, trusted by that ServiceAccount only, exactly list/get/put under the prefix and the key", () => {
        const trust = JSON.parse(inputs(run, "aws:iam/role:Role").assumeRolePolicy);
        expect(trust.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Federated: EKS_OIDC_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { [`${EKS.oidcIssuer}:sub`]: "system:serviceaccount:shop:store-backup", [`${EKS.oidcIssuer}:aud`]: "sts.amazonaws.com" } },
            },
        ]);
        const policy = JSON.parse(inputs(run, "aws:iam/rolePolicy:RolePolicy").policy);
        expect(policy.Statement).toEqual([
            { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucketName}`, Condition: { StringLike: { "s3:prefix": ["shop", "shop/*"] } } },
            { Sid: "Objects", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `arn:aws:s3:::${bucketName}/shop/*` },
            { Sid: "Key", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: `arn:aws:kms:${EKS.region}:${EKS.account}:key/ticketbuster-backups` },
        ]);
        expect(run.outputs.annotations).toEqual({ "eks.amazonaws.com/role-arn": `arn:aws:iam::${EKS.account}:role/ticketbuster-backups-role` });
    });

    it("protects and keeps the bucket and its key (the objects are unreadable without it), not the role", () => {
        for (const type of ["aws:s3/bucket:Bucket", "aws:kms/key:Key"]) {
            expect([named(run, type).protect, named(run, type).retainOnDelete], type).toEqual([true, true]);
        }
        expect(inputs(run, "aws:s3/bucket:Bucket").forceDestroy).toBe(false);
        expect(named(run, "aws:iam/role:Role").protect).toBe(false);
    });

    it("lets the pods reach S3 and STS over HTTPS, never the instance metadata endpoint", () => {
        expect(run.outputs.egress).toEqual([HTTPS_OUT]);
    });

    it("creates every AWS resource through the stack's one AWS provider", () => {
        const providers = run.resources.filter((r) => r.type === "pulumi:providers:aws");
        expect(providers).toHaveLength(1);
        for (const r of run.resources.filter((r) => r.type.startsWith("aws:"))) expect(r.provider, r.type).toContain("pulumi:providers:aws::");
    });
});

describe("workload bucket on EKS without protection, with deletes, without a prefix", () => {
    it("lets destroy remove it, grants s3:DeleteObject and the whole bucket", async () => {
        const run = await bucketOn("eks", { protect: false, deleteObjects: true, prefix: undefined, name: "loki" });
        const bucket = named(run, "aws:s3/bucket:Bucket", "ticketbuster-loki");
        expect([bucket.protect, bucket.retainOnDelete, plain(bucket.inputs).forceDestroy]).toEqual([false, false, true]);
        const policy = JSON.parse(inputs(run, "aws:iam/rolePolicy:RolePolicy", "ticketbuster-loki").policy);
        const name = "ticketbuster-eks-loki-123456789012";
        expect(policy.Statement.slice(0, 2)).toEqual([
            { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${name}` },
            { Sid: "Objects", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${name}/*` },
        ]);
    });
});

describe.each([
    ["gke", "own cluster", "ticketbuster-demo-gke-backups", "tb-gke-backups"],
    ["flores-victoria-gke", "app stack on platform-gke", "ticketbuster-demo-flores-victoria-gke-backups", "tb-flores-victoria-gke-backups"],
])("workload bucket on %s (%s)", (stack, _role, bucketName, accountId) => {
    let run: RunResult;
    beforeAll(async () => {
        run = await bucketOn(stack);
    });
    const email = `${accountId}@ticketbuster-demo.iam.gserviceaccount.com`;

    it("is a GCS bucket with uniform access, versioning, public access prevention and deletion by age", () => {
        const b = inputs(run, "gcp:storage/bucket:Bucket");
        expect(b.name).toBe(bucketName);
        expect(b.location).toBe("us-central1");
        expect([b.uniformBucketLevelAccess, b.publicAccessPrevention, b.versioning]).toEqual([true, "enforced", { enabled: true }]);
        expect(b.lifecycleRules).toEqual([
            { action: { type: "Delete" }, condition: { age: 14 } },
            { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 14 } },
        ]);
        expect(run.outputs.location).toEqual({ kind: "gcs", project: "ticketbuster-demo" });
    });

    it("binds a Google service account through Workload Identity, objectAdmin on that bucket only", () => {
        expect(inputs(run, "gcp:serviceaccount/account:Account").accountId).toBe(accountId);
        // Every grant that names the account, as member or as the impersonated account: none on the project.
        const grants = run.resources
            .filter((r) => r.type.startsWith("gcp:") && /IAM(Member|Binding|Policy)$/.test(r.type))
            .map((r) => ({ type: r.type, ...plain(r.inputs) }))
            .filter((g) => JSON.stringify(g).includes(email))
            .sort((a, b) => a.type.localeCompare(b.type));
        expect(grants).toEqual([
            {
                type: "gcp:serviceaccount/iAMMember:IAMMember",
                serviceAccountId: `projects/ticketbuster-demo/serviceAccounts/${email}`,
                role: "roles/iam.workloadIdentityUser",
                member: "serviceAccount:ticketbuster-demo.svc.id.goog[shop/store-backup]",
            },
            { type: "gcp:storage/bucketIAMMember:BucketIAMMember", bucket: bucketName, role: "roles/storage.objectAdmin", member: `serviceAccount:${email}` },
        ]);
        expect(run.outputs.annotations).toEqual({ "iam.gke.io/gcp-service-account": email });
    });

    it("protects and keeps the bucket", () => {
        const bucket = named(run, "gcp:storage/bucket:Bucket");
        expect([bucket.protect, bucket.retainOnDelete, plain(bucket.inputs).forceDestroy]).toEqual([true, true, false]);
    });

    it("lets the pods reach Cloud Storage over HTTPS and the GKE metadata server Workload Identity needs", () => {
        expect(run.outputs.egress).toEqual([
            HTTPS_OUT,
            { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
            { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
        ]);
    });
});

describe("workload bucket on a local cluster", () => {
    it.each(["dev", "ticketbuster-local"])("%s has none", async (stack) => {
        const run = await bucketOn(stack);
        expect(run.outputs).toEqual({ none: true });
        expect(run.resources.filter((r) => r.custom && !r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"))).toEqual([]);
    });
});
