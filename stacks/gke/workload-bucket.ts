import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { METADATA_ENDPOINT } from "../../components/network-policies";
import type { WorkloadBucket, WorkloadBucketArgs } from "../platform";
import type { GcpContext } from "./context";

/** The GCP project, region and Workload Identity pool: own cluster, or the platform output's identity.gcp. */
export interface ProjectIdentity {
    project: string;
    region: string;
    workloadIdentityPool: string;
}

/**
 * HTTPS to Cloud Storage and Google's token endpoints, never the node's metadata endpoint; plus the GKE
 * metadata server, where Workload Identity hands out the pod's tokens. GKE documents both addresses for
 * pods under NetworkPolicy (kubernetes-engine/docs/how-to/network-policy, "Workload Identity Federation
 * for GKE"): 169.254.169.252/32 on 988 (the metadata server's own address and port), and on GKE
 * Dataplane V2, which these clusters run, 169.254.169.254/32 on 80 (policy is enforced before the
 * address is translated). On a node with GKE_METADATA (stacks/gke/nodes.ts) 169.254.169.254 is that
 * server, not the VM's, so the port-80 rule opens no node credentials.
 */
export const GCS_EGRESS = [
    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_ENDPOINT] } }], ports: [{ protocol: "TCP", port: 443 }] },
    { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
    { to: [{ ipBlock: { cidr: METADATA_ENDPOINT } }], ports: [{ protocol: "TCP", port: 80 }] },
];

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");

/** `<gcp project>-<stack>-<name>` (project ids are globally unique, so is this), within 63 characters. */
export function gcsBucketName(gcpProject: string, stack: string, name: string): string {
    const room = 63 - gcpProject.length - slug(name).length - 2;
    const stackPart = slug(stack).slice(0, Math.max(room, 0)).replace(/-+$/, "");
    return [gcpProject, ...(stackPart ? [stackPart] : []), slug(name)].join("-");
}

/** A service account id (6-30 characters, [a-z][a-z0-9-]*[a-z0-9]) unique per stack and purpose: tb-<stack>-<name>. */
export function bucketAccountId(stack: string, name: string): string {
    const room = 30 - 4 - slug(name).length;
    const stackPart = slug(stack).slice(0, Math.max(room, 0)).replace(/-+$/, "");
    return `tb-${stackPart || "stack"}-${slug(name)}`.slice(0, 30).replace(/-+$/, "");
}

/**
 * A GCS bucket (uniform access, versioned, public access prevention enforced, objects deleted
 * retentionDays after their creation or after they became noncurrent) and a Google service account
 * with objectAdmin on that bucket only, which the given Kubernetes ServiceAccount impersonates through
 * Workload Identity. objectAdmin (not a creator/viewer pair) because listing and overwriting are part
 * of the workloads' protocol; the account reaches no other bucket. `prefix` is not enforced here: the
 * bucket is the boundary (an IAM condition on object names would also have to admit the listing).
 * With `protect`, the bucket is protected and kept on destroy.
 */
export function workloadBuckets(x: GcpContext, identity: ProjectIdentity): (args: WorkloadBucketArgs) => WorkloadBucket {
    return (args) => {
        const { project, stack, onGcp } = x;
        const id = `${project}-${args.name}`;
        const bucket = new storage.Bucket(
            id,
            {
                name: gcsBucketName(identity.project, stack, args.name),
                location: identity.region,
                uniformBucketLevelAccess: true,
                publicAccessPrevention: "enforced",
                versioning: { enabled: true },
                lifecycleRules: [
                    { action: { type: "Delete" }, condition: { age: args.retentionDays } },
                    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: args.retentionDays } },
                ],
                // Unprotected (protectData off), a destroy removes the bucket with its objects, as it does the data volumes.
                forceDestroy: !args.protect,
            },
            { ...onGcp, protect: args.protect, retainOnDelete: args.protect },
        );
        const account = new serviceaccount.Account(
            id,
            {
                accountId: bucketAccountId(stack, args.name),
                displayName: `${args.name} bucket of ${project}/${stack}`,
                description: `Workload Identity of ${args.serviceAccount.namespace}/${args.serviceAccount.name}: objectAdmin on ${args.name} only`,
            },
            onGcp,
        );
        const member = pulumi.interpolate`serviceAccount:${account.email}`;
        new storage.BucketIAMMember(id, { bucket: bucket.name, role: "roles/storage.objectAdmin", member }, onGcp);
        new serviceaccount.IAMMember(
            `${id}-workload-identity`,
            {
                serviceAccountId: account.name,
                role: "roles/iam.workloadIdentityUser",
                member: `serviceAccount:${identity.workloadIdentityPool}[${args.serviceAccount.namespace}/${args.serviceAccount.name}]`,
            },
            onGcp,
        );
        return {
            bucket: bucket.name,
            location: { kind: "gcs", project: identity.project },
            serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": account.email },
            egress: GCS_EGRESS,
        };
    };
}
