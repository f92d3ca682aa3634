import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { backedUpStores } from "../apps/stores";
import type { AppSpec } from "../apps/types";
import type { DeepInput } from "../stacks/export";
import type { WorkloadBucket, WorkloadBucketArgs } from "../stacks/platform";
import { BACKUP_SERVICE_ACCOUNT, backupOf, BackupTarget, PATHS } from "./backup-scripts";
import { labelsFor, Ownership, SKIP_AWAIT } from "./pod";
import { StoreBackup } from "./store-backup";

export interface BackupsArgs {
    app: AppSpec;
    namespace: string;
    owner: Ownership;
    schedule: string;
    retentionDays: number;
    /** The cloud's bucket for this app's backups (under the namespace as prefix); absent: a local volume. */
    bucket?: WorkloadBucket;
    /** The local volume: its size and StorageClass. */
    volume: { size: string; storageClass?: pulumi.Input<string> };
    /** Protect the local volume and keep it on destroy (the bucket is protected where it is made). */
    protectData: boolean;
}

/** The name of the local target's backup volume. */
export const BACKUP_CLAIM = "backups";

/**
 * The app's backups: one StoreBackup per store that has a logical backup (Redis only where the app
 * marks it durable), the ServiceAccount of their pods (annotated with the bucket's cloud identity),
 * and, on a local cluster, the `backups` volume they write to.
 */
export class Backups extends pulumi.ComponentResource {
    readonly target: BackupTarget;
    readonly destination: pulumi.Output<string>;
    readonly stores: Record<string, StoreBackup> = {};
    readonly claim?: k8s.core.v1.PersistentVolumeClaim;

    constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:data:Backups", name, {}, opts);
        const { namespace, owner, bucket } = args;
        const parent = this;
        const labels = labelsFor(owner, BACKUP_SERVICE_ACCOUNT, "backup");

        new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: { name: BACKUP_SERVICE_ACCOUNT, namespace, labels, annotations: bucket?.serviceAccountAnnotations },
                automountServiceAccountToken: false,
            },
            { parent },
        );

        if (bucket) {
            const prefix = namespace;
            this.target =
                bucket.location.kind === "s3"
                    ? { kind: "s3", bucket: bucket.bucket, region: bucket.location.region, prefix }
                    : { kind: "gcs", bucket: bucket.bucket, prefix };
            this.destination = pulumi.interpolate`objects:${bucket.bucket}/${prefix}`;
        } else {
            this.claim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-volume`,
                {
                    // Its first consumer is the first backup pod (hours away under WaitForFirstConsumer): nothing to wait for.
                    metadata: { name: BACKUP_CLAIM, namespace, labels: labelsFor(owner, BACKUP_CLAIM, "backup"), annotations: SKIP_AWAIT },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.volume.storageClass, resources: { requests: { storage: args.volume.size } } },
                },
                { parent, protect: args.protectData, retainOnDelete: args.protectData },
            );
            this.target = { kind: "pvc", claim: BACKUP_CLAIM };
            this.destination = pulumi.output(PATHS.local);
        }

        for (const tier of backedUpStores(args.app.tiers)) {
            this.stores[tier.name] = new StoreBackup(
                `${tier.name}-backup`,
                {
                    namespace,
                    owner,
                    tier,
                    schedule: args.schedule,
                    target: this.target,
                    destination: this.destination,
                    retentionDays: args.retentionDays,
                    objectStoreEgress: bucket?.egress ?? [],
                },
                { parent },
            );
        }
        this.registerOutputs({ stores: Object.keys(this.stores) });
    }
}

/** Where a stack's backups are and how to reach them, as its `backups` output (read by `npm run restore` / `npm run backup`). */
export interface BackupsOutput {
    namespace: string;
    schedule: string;
    retentionDays: number;
    target: BackupTarget;
    /** Per backed-up store: its kind, CronJob, what a backup holds, and the command that names its latest backup. */
    stores: Record<string, { kind: string; cronJob: string; holds: string; latest: string }>;
    restore: string;
}

/** The command that prints a store's newest complete backup. */
function latestCommand(target: BackupTarget, namespace: string, store: string): pulumi.Input<string> {
    switch (target.kind) {
        case "s3":
            return pulumi.interpolate`aws s3 ls --recursive s3://${target.bucket}/${target.prefix}/${store}/ | grep /SHA256SUMS | sort | tail -n 1`;
        case "gcs":
            return pulumi.interpolate`gcloud storage ls 'gs://${target.bucket}/${target.prefix}/${store}/*/SHA256SUMS' | sort | tail -n 1`;
        case "pvc":
            return `kubectl -n ${namespace} logs -l app=${store}-backup -c upload --tail=1 | grep 'backup complete' | sort | tail -n 1`;
    }
}

/**
 * The app's backups on this stack's platform (all-in-one and app stacks; a platform stack deploys no
 * app): the bucket of the cloud (its objects under the namespace) or a local volume, and the Backups.
 */
export function appBackups(
    args: Omit<BackupsArgs, "bucket"> & { enabled: boolean; workloadBucket?: (a: WorkloadBucketArgs) => WorkloadBucket },
    opts: pulumi.ComponentResourceOptions,
): { resource: Backups; outputs: DeepInput<BackupsOutput> } | undefined {
    const { workloadBucket, enabled, ...rest } = args;
    if (!enabled || backedUpStores(args.app.tiers).length === 0) return undefined;
    const bucket = workloadBucket?.({
        name: "backups",
        serviceAccount: { namespace: args.namespace, name: BACKUP_SERVICE_ACCOUNT },
        retentionDays: args.retentionDays,
        protect: args.protectData,
        prefix: args.namespace,
    });
    const resource = new Backups("backups", { ...rest, bucket }, opts);
    const stores = Object.fromEntries(
        backedUpStores(args.app.tiers).map((t) => [
            t.name,
            { kind: t.kind, cronJob: resource.stores[t.name].cronJob.metadata.name, holds: backupOf(t.kind).holds, latest: latestCommand(resource.target, args.namespace, t.name) },
        ]),
    );
    return {
        resource,
        outputs: {
            namespace: args.namespace,
            schedule: args.schedule,
            retentionDays: args.retentionDays,
            target: resource.target,
            stores,
            restore: `npm run restore -- --stack ${pulumi.getStack()} --store <${Object.keys(stores).join("|")}> --backup latest --yes`,
        },
    };
}
