import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StoreTier } from "../apps/types";
import { backupApp, backupOf, backupPodSpec, BackupTarget, JOB_DEADLINE_SECONDS, jobLabels, restoreApp } from "./backup-scripts";
import type { Ownership } from "./pod";
import { selectorFor } from "./pod";

type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

export interface StoreBackupArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    tier: StoreTier<string>;
    /** Cron schedule (UTC). */
    schedule: string;
    target: BackupTarget;
    /** The rclone path of the app's backups. */
    destination: pulumi.Input<string>;
    retentionDays: number;
    /** How the pods reach the object store (the workload bucket's egress); none on the local target. */
    objectStoreEgress: EgressRule[];
}

/** History kept of finished backup Jobs (and so of their logs). */
const HISTORY = 3;

/**
 * One store's scheduled logical backup: a CronJob (never two at once, a deadline, bounded history)
 * whose pod dumps with the store's own image and uploads with rclone; and the NetworkPolicies that let
 * its backup and restore pods reach the store and the object store, and the store admit them.
 */
export class StoreBackup extends pulumi.ComponentResource {
    readonly cronJob: k8s.batch.v1.CronJob;

    constructor(name: string, args: StoreBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:data:StoreBackup", name, {}, opts);
        const { tier, namespace } = args;
        const backup = backupOf(tier.kind);
        const port = tier.ports.find((p) => p.name === backup.port)!.port;
        const labels = jobLabels(args.owner.partOf, args.owner.instance, backupApp(tier.name));
        const parent = this;

        this.cronJob = new k8s.batch.v1.CronJob(
            name,
            {
                metadata: { name: backupApp(tier.name), namespace, labels },
                spec: {
                    schedule: args.schedule,
                    timeZone: "Etc/UTC",
                    concurrencyPolicy: "Forbid",
                    // A run missed by more than an hour (controller down, cluster asleep) waits for the next one.
                    startingDeadlineSeconds: 3600,
                    successfulJobsHistoryLimit: HISTORY,
                    failedJobsHistoryLimit: HISTORY,
                    jobTemplate: {
                        metadata: { labels },
                        spec: {
                            backoffLimit: 2,
                            activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
                            template: {
                                metadata: { labels },
                                spec: backupPodSpec({ tier, target: args.target, destination: args.destination, retentionDays: args.retentionDays }),
                            },
                        },
                    },
                },
            },
            { parent },
        );

        const jobPods = { matchExpressions: [{ key: "app", operator: "In", values: [backupApp(tier.name), restoreApp(tier.name)] }] };
        // Named as in the cluster: each name holds its store's, and a stack deploys one app.
        const policy = (policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(policyName, { metadata: { name: policyName, namespace, labels }, spec }, { parent });
        const tcp = (p: number) => [{ protocol: "TCP", port: p }];

        policy(`${backupApp(tier.name)}-egress`, {
            podSelector: jobPods,
            policyTypes: ["Egress"],
            egress: [{ to: [{ podSelector: { matchLabels: selectorFor(tier.name) } }], ports: tcp(port) }, ...args.objectStoreEgress],
        });
        policy(`allow-backup-to-${tier.name}`, {
            podSelector: { matchLabels: selectorFor(tier.name) },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: jobPods }], ports: tcp(port) }],
        });
        if (backup.restoreListens) {
            // Redis restores by replication: the store dials the restore pod, which serves the snapshot.
            const restorePods = { matchLabels: selectorFor(restoreApp(tier.name)) };
            policy(`allow-${tier.name}-to-restore`, {
                podSelector: { matchLabels: selectorFor(tier.name) },
                policyTypes: ["Egress"],
                egress: [{ to: [{ podSelector: restorePods }], ports: tcp(backup.restoreListens) }],
            });
            policy(`allow-restore-from-${tier.name}`, {
                podSelector: restorePods,
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ podSelector: { matchLabels: selectorFor(tier.name) } }], ports: tcp(backup.restoreListens) }],
            });
        }
        this.registerOutputs({ cronJob: this.cronJob.metadata.name });
    }
}
