import { beforeAll, describe, expect, it } from "vitest";
import { APPS } from "../apps";
import { IMAGES } from "../apps/images";
import { BACKUP_UID, dumpScript, RCLONE_IMAGE, uploadScript } from "../components/backup-scripts";
import { cloudStateFor, EKS, platformsFor } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { plain, RunResult, runProgram } from "./harness";
import { byName, byType, NETPOL, objects, PVC, runOn, Stack, TARGETS } from "./targets";

const CRONJOB = "kubernetes:batch/v1:CronJob";

/** The stores each app backs up: every PostgreSQL, MongoDB and RabbitMQ, Redis where durable, never NATS. */
const BACKED_UP: Record<string, string[]> = {
    ticketbuster: ["postgres", "rabbitmq"],
    proyecto06: ["database"],
    "flores-victoria": ["mongodb", "postgres", "redis"],
    ticketing: ["auth-mongo", "orders-mongo", "payments-mongo", "redis", "tickets-mongo"],
    bookstore: ["mongodb", "postgres", "rabbitmq"],
};

const runs = new Map<string, Promise<RunResult>>();
function run(stack: Stack, app: string, config: Record<string, string> = {}): Promise<RunResult> {
    const key = `${stack}/${app}/${JSON.stringify(config)}`;
    if (!runs.has(key)) {
        runs.set(
            key,
            runOn(stack, { app, ...config }, undefined).then((r) => {
                if (r.error) throw r.error;
                return r;
            }),
        );
    }
    return runs.get(key)!;
}

const cronJobs = (r: RunResult) => objects(r, CRONJOB);
const podOf = (cron: any) => cron.spec.jobTemplate.spec.template.spec;
const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe.each(TARGETS)("backups on %s", (stack) => {
    it.each(Object.keys(APPS))("%s: one CronJob per backed-up store", async (app) => {
        const r = await run(stack, app);
        expect(Object.keys(cronJobs(r)).sort()).toEqual(BACKED_UP[app].map((s) => `${s}-backup`).sort());
        for (const [name, cron] of Object.entries<any>(cronJobs(r))) {
            const store = name.replace(/-backup$/, "");
            const tier = APPS[app].tiers.find((t) => t.name === store)!;
            const pod = podOf(cron);
            expect(pod.initContainers[0].image, name).toBe(tier.image);
            expect(pod.initContainers[0].command, name).toEqual(["sh", "-c", dumpScript(tier.kind as never)]);
            expect(pod.containers[0].image, name).toBe(RCLONE_IMAGE);
            expect(pod.containers[0].command, name).toEqual(["sh", "-c", uploadScript()]);
            // Credentials only from the store's own Secret.
            const env = envOf(pod.initContainers[0]);
            const secret = (tier as { credentials?: { secretName: string } }).credentials!.secretName;
            expect(env.STORE_USER).toEqual({ secretKeyRef: { name: secret, key: "username" } });
            expect(env.STORE_PASSWORD).toEqual({ secretKeyRef: { name: secret, key: "password" } });
        }
    });

    it("runs on the schedule, never two at once, with a deadline and bounded history", async () => {
        const cron = byName(await run(stack, "ticketbuster"), CRONJOB, "postgres-backup");
        expect(cron.metadata.namespace).toBe("ticketbuster");
        expect(cron.spec).toMatchObject({
            schedule: "0 2 * * *",
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
        });
        expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 7200 });
        expect(podOf(cron).restartPolicy).toBe("Never");
    });

    it("hardens the pod like the stores: non-root, read-only roots, no capabilities, RuntimeDefault, no token", async () => {
        for (const cron of Object.values<any>(cronJobs(await run(stack, "flores-victoria")))) {
            const pod = podOf(cron);
            expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: BACKUP_UID, runAsGroup: BACKUP_UID, seccompProfile: { type: "RuntimeDefault" } });
            expect(pod.automountServiceAccountToken).toBe(false);
            expect(pod.serviceAccountName).toBe("store-backup");
            for (const c of [...pod.initContainers, ...pod.containers]) {
                expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
                expect(c.resources.requests.memory).toBeDefined();
                expect(c.resources.limits.memory).toBeDefined();
            }
            // The dump is written to an emptyDir (0700 inside, see the round trip), never to a shared path.
            expect(pod.volumes.find((v: any) => v.name === "scratch").emptyDir).toBeDefined();
            expect(pod.volumes.every((v: any) => !v.hostPath)).toBe(true);
        }
    });

    it("pins both images by tag and digest", async () => {
        expect(RCLONE_IMAGE).toMatch(/^rclone\/rclone:1\.[0-9]+\.[0-9]+@sha256:[0-9a-f]{64}$/);
        for (const cron of Object.values<any>(cronJobs(await run(stack, "bookstore")))) {
            const pod = podOf(cron);
            expect(Object.values(IMAGES)).toContain(pod.initContainers[0].image);
        }
    });

    it("lets the backup and restore pods reach their store and the object store only, and the store admit them", async () => {
        const r = await run(stack, "ticketbuster");
        const policies = objects(r, NETPOL);
        const jobPods = { matchExpressions: [{ key: "app", operator: "In", values: ["postgres-backup", "postgres-restore"] }] };
        const egress = policies["postgres-backup-egress"].spec;
        expect(egress.podSelector).toEqual(jobPods);
        expect(egress.policyTypes).toEqual(["Egress"]);
        expect(egress.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: { app: "postgres" } } }], ports: [{ protocol: "TCP", port: 5432 }] });
        const https = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] };
        const objectStore = { dev: [], eks: [https], gke: [https, expect.anything(), expect.anything()] }[stack];
        expect(egress.egress.slice(1)).toEqual(objectStore);
        expect(policies["allow-backup-to-postgres"].spec).toEqual({
            podSelector: { matchLabels: { app: "postgres" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: jobPods }], ports: [{ protocol: "TCP", port: 5432 }] }],
        });
        // RabbitMQ's definitions come over the management API.
        expect(policies["allow-backup-to-rabbitmq"].spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 15672 }]);
        // The default-deny policies still cover the backup pods.
        expect(policies["default-deny-egress"].spec.podSelector).toEqual({});
    });

    it("lets a Redis restore serve its snapshot to the store (replication), and nothing else", async () => {
        const policies = objects(await run(stack, "flores-victoria"), NETPOL);
        expect(policies["allow-redis-to-restore"].spec).toEqual({
            podSelector: { matchLabels: { app: "redis" } },
            policyTypes: ["Egress"],
            egress: [{ to: [{ podSelector: { matchLabels: { app: "redis-restore" } } }], ports: [{ protocol: "TCP", port: 6379 }] }],
        });
        expect(policies["allow-restore-from-redis"].spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: "redis" } } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
        expect(policies["allow-postgres-to-restore"]).toBeUndefined();
    });
});

describe("backup destinations", () => {
    it("local: a `backups` volume of backup.size, pruned after backup.retentionDays", async () => {
        const r = await run("dev", "ticketbuster");
        const claim = byName(r, PVC, "backups");
        expect(claim.spec.resources.requests.storage).toBe("10Gi");
        const upload = podOf(byName(r, CRONJOB, "postgres-backup")).containers[0];
        expect(envOf(upload)).toMatchObject({ DESTINATION: "/backups", PRUNE_DAYS: "14" });
        expect(upload.volumeMounts).toContainEqual({ name: "backups", mountPath: "/backups", readOnly: false });
        expect(byType(r, "aws:s3/bucket:Bucket")).toHaveLength(0);
        expect((r.outputs.backups as any).target).toEqual({ kind: "pvc", claim: "backups" });
        expect((r.outputs.backups as any).stores.postgres.latest).toContain("kubectl -n ticketbuster logs -l app=postgres-backup -c upload");
    });

    it("eks: the app's prefix of an S3 bucket, through the IRSA role on the ServiceAccount", async () => {
        const r = await run("eks", "ticketbuster");
        const bucket = "ticketbuster-eks-backups-123456789012";
        const upload = podOf(byName(r, CRONJOB, "postgres-backup")).containers[0];
        expect(envOf(upload)).toMatchObject({
            DESTINATION: `objects:${bucket}/ticketbuster`,
            RCLONE_CONFIG_OBJECTS_TYPE: "s3",
            RCLONE_CONFIG_OBJECTS_PROVIDER: "AWS",
            RCLONE_CONFIG_OBJECTS_ENV_AUTH: "true",
            RCLONE_CONFIG_OBJECTS_REGION: EKS.region,
        });
        expect(envOf(upload).PRUNE_DAYS).toBeUndefined();
        expect(byType(r, PVC).map((p) => plain(p.inputs).metadata.name)).not.toContain("backups");
        const sa = byName(r, "kubernetes:core/v1:ServiceAccount", "store-backup");
        expect(sa.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": `arn:aws:iam::${EKS.account}:role/ticketbuster-backups-role` });
        const trust = JSON.parse(plain(byType(r, "aws:iam/role:Role").find((x) => x.name === "ticketbuster-backups")!.inputs).assumeRolePolicy);
        expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:ticketbuster:store-backup");
        const policy = JSON.parse(plain(byType(r, "aws:iam/rolePolicy:RolePolicy").find((x) => x.name === "ticketbuster-backups")!.inputs).policy);
        expect(policy.Statement[1]).toEqual({ Sid: "Objects", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `arn:aws:s3:::${bucket}/ticketbuster/*` });
        const out = r.outputs.backups as any;
        expect(out.target).toEqual({ kind: "s3", bucket, region: EKS.region, prefix: "ticketbuster" });
        expect(out.stores.postgres.latest).toBe(`aws s3 ls --recursive s3://${bucket}/ticketbuster/postgres/ | grep /SHA256SUMS | sort | tail -n 1`);
    });

    it("gke: the app's prefix of a GCS bucket, through Workload Identity", async () => {
        const r = await run("gke", "ticketing");
        const upload = podOf(byName(r, CRONJOB, "auth-mongo-backup")).containers[0];
        expect(envOf(upload)).toMatchObject({
            DESTINATION: "objects:ticketbuster-demo-gke-backups/ticketing",
            RCLONE_CONFIG_OBJECTS_TYPE: "google cloud storage",
            RCLONE_CONFIG_OBJECTS_ENV_AUTH: "true",
            RCLONE_CONFIG_OBJECTS_BUCKET_POLICY_ONLY: "true",
        });
        const sa = byName(r, "kubernetes:core/v1:ServiceAccount", "store-backup");
        expect(sa.metadata.annotations).toEqual({ "iam.gke.io/gcp-service-account": "tb-gke-backups@ticketbuster-demo.iam.gserviceaccount.com" });
        const wi = plain(byType(r, "gcp:serviceaccount/iAMMember:IAMMember")[0].inputs);
        expect(wi.member).toBe("serviceAccount:ticketbuster-demo.svc.id.goog[ticketing/store-backup]");
        expect((r.outputs.backups as any).stores["auth-mongo"].latest).toBe("gcloud storage ls 'gs://ticketbuster-demo-gke-backups/ticketing/auth-mongo/*/SHA256SUMS' | sort | tail -n 1");
    });

    it.each([
        ["bookstore-eks", "aws:s3/bucket:Bucket", "ticketbuster-bookstore-eks-backups-123456789012"],
        ["flores-victoria-gke", "gcp:storage/bucket:Bucket", "ticketbuster-demo-flores-victoria-gke-backups"],
    ])("app stack %s: its own bucket in the platform's cloud", async (stack, type, name) => {
        const r = await runProgram({ stack, state: cloudStateFor(stack), platforms: await platformsFor(stack) });
        if (r.error) throw r.error;
        const bucket = plain(byType(r, type)[0].inputs);
        expect(bucket.bucket ?? bucket.name).toBe(name);
        expect(Object.keys(objects(r, CRONJOB)).length).toBeGreaterThan(0);
    });

    it("app stack on a local platform: the `backups` volume in its namespace", async () => {
        const r = await runProgram({ stack: "bookstore-local", state: cloudStateFor("bookstore-local"), platforms: await platformsFor("bookstore-local") });
        if (r.error) throw r.error;
        expect(byName(r, PVC, "backups").metadata.namespace).toBe("bookstore");
    });
});

describe("backups and protectData", () => {
    it("protects and keeps the local volume with protectData on, and not without", async () => {
        const on = await run("dev", "ticketbuster", { protectData: "true" });
        const claim = on.resources.find((x) => x.type === PVC && plain(x.inputs).metadata.name === "backups")!;
        expect([claim.protect, claim.retainOnDelete]).toEqual([true, true]);
        const off = await run("dev", "ticketbuster");
        const open = off.resources.find((x) => x.type === PVC && plain(x.inputs).metadata.name === "backups")!;
        expect([open.protect, open.retainOnDelete]).toEqual([false, false]);
    });

    it("protects the bucket and its key on eks (protectData true), lets gke's go (protectData false)", async () => {
        const eks = await run("eks", "ticketbuster");
        for (const type of ["aws:s3/bucket:Bucket", "aws:kms/key:Key"]) {
            const r = eks.resources.find((x) => x.type === type && x.name === "ticketbuster-backups")!;
            expect([r.protect, r.retainOnDelete], type).toEqual([true, true]);
        }
        const gke = (await run("gke", "ticketbuster")).resources.find((x) => x.type === "gcp:storage/bucket:Bucket")!;
        expect([gke.protect, gke.retainOnDelete, plain(gke.inputs).forceDestroy]).toEqual([false, false, true]);
    });
});

describe("backup config", () => {
    it("takes a schedule, a retention and a size", async () => {
        const r = await run("dev", "ticketbuster", { backup: JSON.stringify({ schedule: "30 3 * * 1-5", retentionDays: 30, size: "50Gi" }) });
        expect(byName(r, CRONJOB, "rabbitmq-backup").spec.schedule).toBe("30 3 * * 1-5");
        expect(byName(r, PVC, "backups").spec.resources.requests.storage).toBe("50Gi");
        expect(envOf(podOf(byName(r, CRONJOB, "rabbitmq-backup")).containers[0]).PRUNE_DAYS).toBe("30");
        const eks = await run("eks", "ticketbuster", { backup: JSON.stringify({ retentionDays: 30 }) });
        const lifecycle = plain(byType(eks, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].inputs);
        expect(lifecycle.rules[0].expiration).toEqual({ days: 30 });
    });

    it("creates nothing of it with enabled false", async () => {
        const r = await run("eks", "ticketbuster", { backup: JSON.stringify({ enabled: false }) });
        expect(byType(r, CRONJOB)).toHaveLength(0);
        expect(byType(r, "aws:s3/bucket:Bucket")).toHaveLength(0);
        expect(Object.keys(objects(r, NETPOL)).filter((n) => n.includes("backup"))).toEqual([]);
        expect(r.outputs.backups).toBeUndefined();
    });

    it.each([
        [{ schedule: "every night" }, 'ticketbuster:backup.schedule: got "every night"; allowed: a cron expression of five fields'],
        [{ schedule: "61 2 * * *" }, 'ticketbuster:backup.schedule: got "61 2 * * *"; allowed: a cron expression'],
        [{ schedule: "0 2 * *" }, 'ticketbuster:backup.schedule: got "0 2 * *"; allowed: a cron expression'],
        [{ retentionDays: 0 }, "ticketbuster:backup.retentionDays: got 0; allowed: an integer >= 1"],
        [{ retentionDays: 1.5 }, "ticketbuster:backup.retentionDays: got 1.5; allowed: an integer >= 1"],
        [{ size: "0Gi" }, 'ticketbuster:backup.size: got "0Gi"; allowed: a storage quantity above zero'],
        [{ enabled: "yes" }, 'ticketbuster:backup.enabled: got "yes"; allowed: true, false'],
        [{ keep: 3 }, "ticketbuster:backup.keep: unknown key; allowed: enabled, schedule, retentionDays, size"],
    ])("refuses %j with the key, the value and what is allowed, creating nothing", async (backup, message) => {
        const r = await runOn("dev", { backup: JSON.stringify(backup) }, undefined);
        expectConfigRejected(r, [message]);
    });

    it("accepts the schedules a CronJob takes", async () => {
        for (const schedule of ["*/15 * * * *", "0 2 * * SUN", "0 0 1 JAN,JUL ?", "@daily", "0 22 * * 1-5/2"]) {
            const r = await runOn("dev", { backup: JSON.stringify({ schedule }) }, undefined);
            expect(r.error, schedule).toBeUndefined();
        }
    });

    it("is refused on a platform stack, which deploys no app", async () => {
        const r = await runProgram({ stack: "platform-local", config: { backup: JSON.stringify({ enabled: false }) } });
        expectConfigRejected(r, ['ticketbuster:backup: got {"enabled":false}; allowed: nothing (app is none: a platform stack deploys no app']);
    });
});

let warm: RunResult;
beforeAll(async () => {
    warm = await run("dev", "ticketbuster");
});
it("keeps the harness warm", () => expect(warm.resources.length).toBeGreaterThan(0));
