/**
 * What the backup and restore pods run, as plain data: the scripts (a store kind's dump/restore from
 * apps/stores.ts, wrapped with checksums, upload and download) and the pod specs. No Pulumi resource
 * here: the program's CronJobs (components/store-backup.ts), the restore Jobs of `npm run restore`
 * (scripts/backups/) and the round-trip test (test/backup-roundtrip.test.ts) all build from this file.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { BACKUPS, LogicalBackup } from "../apps/stores";
import type { StoreKind, StoreTier } from "../apps/types";
import { hostOf, servicePortOf } from "../apps/wiring";
import { restrictedContainer } from "./pod";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/**
 * The one tool image that speaks S3, GCS and a local directory, by tag and digest (the multi-arch
 * index). The digest is the one `docker buildx imagetools inspect rclone/rclone:1.75.1` gives, as
 * pinned by many public repositories (found with the project's code search, e.g. Dockerfiles
 * `FROM rclone/rclone:1.75.1@sha256:45401ad7…`); it could not be pulled from here. Alpine-based: sh,
 * date, sha256sum.
 */
export const RCLONE_IMAGE = "rclone/rclone:1.75.1@sha256:45401ad7410db1d67ffdb58e19059ad20b0d8e0285a60e38bbec55cc1019c7a5";

/** Every backup and restore pod runs as this non-root user and group (whatever the images' own users). */
export const BACKUP_UID = 65532;

/** Where the pods keep things: the private scratch volume (0700 inside), /tmp, and the local target's volume. */
export const PATHS = { scratch: "/backup", work: "/backup/work", dump: "/backup/dump", tmp: "/tmp", local: "/backups" } as const;

/** The ServiceAccount of every backup and restore pod of an app (one cloud identity per app). */
export const BACKUP_SERVICE_ACCOUNT = "store-backup";

/** Pod label `app` of a store's backup and restore pods (NetworkPolicies select them by it). */
export const backupApp = (store: string) => `${store}-backup`;
export const restoreApp = (store: string) => `${store}-restore`;

/** A backup's name: the UTC time its upload started; `latest` picks the newest complete one. */
export const BACKUP_NAME = /^[0-9]{8}T[0-9]{6}Z$/;

export function backupOf(kind: StoreKind): LogicalBackup {
    const backup = BACKUPS[kind];
    if (!backup) throw new Error(`store kind ${kind} has no logical backup (apps/stores.ts BACKUPS)`);
    return backup;
}

const HEADER = `set -eu
umask 077
mkdir -p "$WORK_DIR" "$DUMP_DIR"`;

/** The dump container (the store's image): the kind's dump into DUMP_DIR, then SHA256SUMS of what it wrote. */
export function dumpScript(kind: StoreKind): string {
    return `${HEADER}
${backupOf(kind).dump}
cd "$DUMP_DIR"
sha256sum * > "$WORK_DIR/SHA256SUMS"
mv "$WORK_DIR/SHA256SUMS" SHA256SUMS
echo "dump of $STORE ready: $(ls | tr '\\n' ' ')"`;
}

/**
 * The upload container (rclone): the files to DESTINATION/STORE/<UTC time>/, SHA256SUMS last (a backup
 * without it is incomplete and never restored); on the local target, files older than PRUNE_DAYS go.
 */
export function uploadScript(): string {
    return `set -eu
umask 077
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$DESTINATION/$STORE/$stamp"
rclone copy --exclude SHA256SUMS "$DUMP_DIR" "$target"
rclone copyto "$DUMP_DIR/SHA256SUMS" "$target/SHA256SUMS"
rclone lsl "$target"
if [ -n "\${PRUNE_DAYS:-}" ]; then
    rclone delete --min-age "\${PRUNE_DAYS}d" "$DESTINATION/$STORE"
    rclone rmdirs --leave-root "$DESTINATION/$STORE"
fi
echo "backup complete: $STORE/$stamp"`;
}

/** The download container (rclone): BACKUP (a name, or latest: the newest complete one) into DUMP_DIR. */
export function downloadScript(): string {
    return `set -eu
umask 077
mkdir -p "$DUMP_DIR"
base="$DESTINATION/$STORE"
complete() { rclone lsf --files-only -R --include "/*/SHA256SUMS" "$base" 2>/dev/null | cut -d/ -f1 | sort; }
if [ "$BACKUP" = latest ]; then
    BACKUP=$(complete | tail -n 1)
    [ -n "$BACKUP" ] || { echo "no complete backup of $STORE under $base" >&2; exit 3; }
fi
if ! complete | grep -qx "$BACKUP"; then
    echo "no complete backup $BACKUP of $STORE under $base; there are: $(complete | tr '\\n' ' ')" >&2
    exit 3
fi
rclone copy "$base/$BACKUP" "$DUMP_DIR"
echo "downloaded $STORE/$BACKUP"`;
}

/** The restore container (the store's image): checks the files against SHA256SUMS, then the kind's restore. */
export function restoreScript(kind: StoreKind): string {
    return `${HEADER}
cd "$DUMP_DIR"
sha256sum -c SHA256SUMS
${backupOf(kind).restore}`;
}

/** Where the backups of one app go: a bucket under its prefix, or the local target's volume. */
export type BackupTarget =
    | { kind: "s3"; bucket: pulumi.Input<string>; region: string; prefix: string }
    | { kind: "gcs"; bucket: pulumi.Input<string>; prefix: string }
    | { kind: "pvc"; claim: string };

/** The rclone path of an app's backups, for a target whose bucket is known (the restore command's). */
export function destinationOf(target: BackupTarget & ({ kind: "pvc" } | { bucket: string })): string {
    return target.kind === "pvc" ? PATHS.local : `objects:${target.bucket}/${target.prefix}`;
}

/** Where a store's backups are, in the words of the cloud's own tools. */
export function whereOf(target: BackupTarget & ({ kind: "pvc" } | { bucket: string }), namespace: string, store: string): string {
    switch (target.kind) {
        case "s3":
            return `s3://${target.bucket}/${target.prefix}/${store}/`;
        case "gcs":
            return `gs://${target.bucket}/${target.prefix}/${store}/`;
        case "pvc":
            return `the PVC ${target.claim} of namespace ${namespace}, ${store}/`;
    }
}

/** rclone's remote (configured by env vars, no config file) and the path DESTINATION of an app's backups. */
function rcloneEnv(target: BackupTarget, path: pulumi.Input<string>): EnvVar[] {
    const remote = (settings: Record<string, string>) =>
        Object.entries(settings).map(([key, value]) => ({ name: `RCLONE_CONFIG_OBJECTS_${key}`, value }));
    const common = [
        { name: "HOME", value: PATHS.tmp },
        // No config file: the remote is defined by the variables above; rclone only notes the missing file.
        { name: "RCLONE_CONFIG", value: `${PATHS.tmp}/rclone.conf` },
    ];
    switch (target.kind) {
        case "s3":
            // env_auth: the IRSA web identity token; the bucket exists, so no CreateBucket is attempted.
            return [...common, ...remote({ TYPE: "s3", PROVIDER: "AWS", ENV_AUTH: "true", REGION: target.region, NO_CHECK_BUCKET: "true" }), { name: "DESTINATION", value: path }];
        case "gcs":
            // env_auth: Application Default Credentials, i.e. Workload Identity; uniform access: no object ACLs.
            return [...common, ...remote({ TYPE: "google cloud storage", ENV_AUTH: "true", BUCKET_POLICY_ONLY: "true" }), { name: "DESTINATION", value: path }];
        case "pvc":
            return [...common, { name: "DESTINATION", value: path }];
    }
}

export interface BackupPodArgs {
    tier: StoreTier<string>;
    target: BackupTarget;
    /** The rclone path of the app's backups (objects:<bucket>/<prefix>, or the local volume's mount). */
    destination: pulumi.Input<string>;
    /** The local target prunes its volume after each backup. */
    retentionDays?: number;
}

const TOOL_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const STORE_TOOL_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } };

/** The store's address and credentials (from its Secret only), and the two private directories. */
function storeEnv(tier: StoreTier<string>): EnvVar[] {
    const backup = backupOf(tier.kind);
    const port = tier.ports.find((p) => p.name === backup.port);
    if (!port) throw new Error(`store ${tier.name} has no port ${backup.port} for its backup`);
    const secret = tier.credentials?.secretName;
    if (!secret) throw new Error(`store ${tier.name} has no credentials Secret for its backup`);
    return [
        { name: "STORE", value: tier.name },
        { name: "STORE_HOST", value: hostOf(tier) },
        { name: "STORE_PORT", value: String(servicePortOf(port)) },
        { name: "STORE_USER", valueFrom: { secretKeyRef: { name: secret, key: "username" } } },
        { name: "STORE_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
        { name: "STORE_DATABASE", value: tier.database ?? "" },
        { name: "DUMP_DIR", value: PATHS.dump },
        { name: "WORK_DIR", value: PATHS.work },
        { name: "HOME", value: PATHS.work },
    ];
}

/** The pod both kinds of job run in: non-root, read-only roots, no token, private scratch. */
function basePod(tier: StoreTier<string>, target: BackupTarget, readOnlyTarget: boolean): Pick<PodSpec, "securityContext" | "volumes" | "serviceAccountName" | "automountServiceAccountToken" | "enableServiceLinks" | "restartPolicy"> & {
    mounts: { store: k8s.types.input.core.v1.VolumeMount[]; tool: k8s.types.input.core.v1.VolumeMount[] };
} {
    const scratch = { name: "scratch", mountPath: PATHS.scratch };
    const tmp = { name: "tmp", mountPath: PATHS.tmp };
    const local = target.kind === "pvc" ? [{ name: "backups", mountPath: PATHS.local, readOnly: readOnlyTarget }] : [];
    return {
        serviceAccountName: BACKUP_SERVICE_ACCOUNT,
        // The cloud identity needs no Kubernetes token: IRSA projects its own, Workload Identity needs none.
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: "Never",
        securityContext: {
            runAsNonRoot: true,
            runAsUser: BACKUP_UID,
            runAsGroup: BACKUP_UID,
            fsGroup: BACKUP_UID,
            // The local volume is shared by every store's backups: chown it once, not at every mount.
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumes: [
            // A dump may be as large as the store's data; the dump directory inside is 0700 (umask 077).
            { name: "scratch", emptyDir: { sizeLimit: tier.storage.size } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ...(target.kind === "pvc" ? [{ name: "backups", persistentVolumeClaim: { claimName: target.claim, readOnly: readOnlyTarget } }] : []),
        ],
        mounts: { store: [scratch, tmp], tool: [scratch, tmp, ...local] },
    };
}

/** A backup pod: the dump (store image, init container), then the upload (rclone). */
export function backupPodSpec(a: BackupPodArgs): PodSpec {
    const { mounts, ...pod } = basePod(a.tier, a.target, false);
    return {
        ...pod,
        initContainers: [
            {
                name: "dump",
                image: a.tier.image,
                command: ["sh", "-c", dumpScript(a.tier.kind)],
                env: storeEnv(a.tier),
                resources: STORE_TOOL_RESOURCES,
                securityContext: restrictedContainer(),
                volumeMounts: mounts.store,
            },
        ],
        containers: [
            {
                name: "upload",
                image: RCLONE_IMAGE,
                command: ["sh", "-c", uploadScript()],
                env: [
                    { name: "STORE", value: a.tier.name },
                    { name: "DUMP_DIR", value: PATHS.dump },
                    ...(a.target.kind === "pvc" && a.retentionDays ? [{ name: "PRUNE_DAYS", value: String(a.retentionDays) }] : []),
                    ...rcloneEnv(a.target, a.destination),
                ],
                resources: TOOL_RESOURCES,
                securityContext: restrictedContainer(),
                volumeMounts: mounts.tool,
            },
        ],
    };
}

/** A restore pod: the download of BACKUP (rclone, init container), then the restore (store image). */
export function restorePodSpec(a: BackupPodArgs & { backup: string }): PodSpec {
    const { mounts, ...pod } = basePod(a.tier, a.target, true);
    const listens = backupOf(a.tier.kind).restoreListens;
    return {
        ...pod,
        initContainers: [
            {
                name: "download",
                image: RCLONE_IMAGE,
                command: ["sh", "-c", downloadScript()],
                env: [
                    { name: "STORE", value: a.tier.name },
                    { name: "BACKUP", value: a.backup },
                    { name: "DUMP_DIR", value: PATHS.dump },
                    ...rcloneEnv(a.target, a.destination),
                ],
                resources: TOOL_RESOURCES,
                securityContext: restrictedContainer(),
                volumeMounts: mounts.tool,
            },
        ],
        containers: [
            {
                name: "restore",
                image: a.tier.image,
                command: ["sh", "-c", restoreScript(a.tier.kind)],
                env: [
                    ...storeEnv(a.tier),
                    ...(listens
                        ? [
                              { name: "RESTORE_HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                              { name: "RESTORE_PORT", value: String(listens) },
                          ]
                        : []),
                ],
                ports: listens ? [{ name: "snapshot", containerPort: listens, protocol: "TCP" }] : undefined,
                resources: STORE_TOOL_RESOURCES,
                securityContext: restrictedContainer(),
                volumeMounts: mounts.store,
            },
        ],
    };
}

/** How long a backup or restore may run before Kubernetes stops it (a hung dump must not block the next night's). */
export const JOB_DEADLINE_SECONDS = 2 * 60 * 60;

/** The labels of a store's backup or restore pods. */
export function jobLabels(app: string, instance: string, name: string): Record<string, string> {
    return {
        app: name,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": instance,
        "app.kubernetes.io/part-of": app,
        "app.kubernetes.io/component": "backup",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** The one-off restore Job `npm run restore` creates: the same pod as the program would build, for one backup. */
export function restoreJob(a: BackupPodArgs & { backup: string; namespace: string; name: string; app: string }) {
    const labels = { ...jobLabels(a.app, a.namespace, restoreApp(a.tier.name)), "app.kubernetes.io/managed-by": "ticketbuster-restore" };
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: a.name, namespace: a.namespace, labels },
        spec: {
            // One attempt: a restore that failed half-way is for a person to look at, not to repeat.
            backoffLimit: 0,
            activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
            ttlSecondsAfterFinished: 7 * 24 * 60 * 60,
            template: { metadata: { labels }, spec: restorePodSpec(a) },
        },
    };
}
