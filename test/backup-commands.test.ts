/**
 * `npm run backup` / `npm run restore` up to the cluster: options, exit codes, the stack's backups and
 * cluster read from its outputs (a stand-in Automation API stack), the stores, the refusal without
 * --yes, and the restore Job (the same pod as the program's backups would run).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { APPS } from "../apps";
import { storeByName } from "../apps/wiring";
import { destinationOf, restoreJob, restorePodSpec } from "../components/backup-scripts";
import { chooseStores, checkBackupName, describeRestore, jobName, stackBackups, StackBackups } from "../scripts/backups/stack";
import { UsageError } from "../scripts/preflight";
import { protectedDataRefusal } from "../scripts/protected-data";

const ROOT = path.join(__dirname, "..");

function cli(script: "backup" | "restore", ...args: string[]) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "tb-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "tb-home-"));
    const env = { PATH: bin, HOME: home, PULUMI_HOME: path.join(home, ".pulumi") };
    return spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "scripts", `${script}.ts`), ...args], { cwd: ROOT, env, encoding: "utf8" });
}

const S3 = { kind: "s3" as const, bucket: "ticketbuster-eks-backups-123456789012", region: "us-east-1", prefix: "ticketbuster" };

function backupsOf(app: string, target: StackBackups["backups"]["target"] = S3): StackBackups {
    const stores = Object.fromEntries(
        ({ ticketbuster: ["postgres", "rabbitmq"], ticketing: ["auth-mongo", "redis"] } as Record<string, string[]>)[app].map((n) => [
            n,
            { kind: "x", cronJob: `${n}-backup`, holds: "", latest: "" },
        ]),
    );
    return { stack: "eks", app: APPS[app], kube: {}, backups: { namespace: app, schedule: "0 2 * * *", retentionDays: 14, target, stores, restore: "" } };
}

/** The part of an Automation API Stack the commands read, answering from fixed outputs. */
function fakeStack(name: string, outputs: Record<string, unknown>, config: Record<string, string> = {}, others: Record<string, Record<string, unknown>> = {}) {
    const wrap = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, value]) => [k, { value, secret: false }]));
    return {
        name,
        outputs: async () => wrap(outputs),
        getAllConfig: async () => Object.fromEntries(Object.entries(config).map(([k, value]) => [`ticketbuster:${k}`, { value, secret: false }])),
        workspace: {
            listStacks: async () => Object.keys(others).map((n) => ({ name: n, resourceCount: 3 })),
            stackOutputs: async (n: string) => {
                if (!others[n]) throw new Error(`no stack named ${n}`);
                return wrap(others[n]);
            },
        },
    } as never;
}

describe("npm run restore / npm run backup: options and exit codes", () => {
    it("document their options and exit codes (exit 0)", () => {
        const restore = cli("restore", "--help");
        expect(restore.status).toBe(0);
        expect(restore.stdout).toMatch(/--backup <name>[\s\S]*latest/);
        expect(restore.stdout).toMatch(/--yes/);
        expect(restore.stdout).toMatch(/0 +restored[\s\S]*1 +the restore Job failed[\s\S]*2 +usage or config error/);
        const backup = cli("backup", "--help");
        expect(backup.status).toBe(0);
        expect(backup.stdout).toMatch(/--store <store>/);
    });

    it("answer a missing --store, an unknown option or a bad backup name with exit code 2, before touching anything", () => {
        expect(cli("restore", "--stack", "dev").status).toBe(2);
        const unknown = cli("backup", "--stack", "dev", "--frobnicate");
        expect([unknown.status, unknown.stderr.includes("--frobnicate")]).toEqual([2, true]);
        const bad = cli("restore", "--stack", "dev", "--store", "postgres", "--backup", "yesterday");
        expect(bad.status).toBe(2);
        expect(bad.stderr).toContain("--backup yesterday: allowed: latest, or a backup's name (its UTC time, e.g. 20260101T020000Z)");
    });

    it("say the Pulumi CLI is missing (exit code 2)", () => {
        const r = cli("backup", "--stack", "dev");
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("The Pulumi CLI is not installed");
    });
});

describe("a stack's backups, read from its outputs", () => {
    it("names the stacks that have backups when this one has none", async () => {
        const platform = fakeStack("platform-local", { app: "none" }, {}, { "ticketbuster-local": { backups: { namespace: "x" } }, "platform-local": {} });
        const err = await stackBackups(platform).catch((e) => e);
        expect(err).toBeInstanceOf(UsageError);
        expect(err.message).toContain("Stack platform-local has no backups");
        expect(err.message).toContain("Stacks with backups here: ticketbuster-local.");
    });

    it("reaches an own cluster through its platform output", async () => {
        const b = backupsOf("ticketbuster").backups;
        const s = await stackBackups(fakeStack("eks", { app: "ticketbuster", backups: b, platform: { kubernetes: { kubeconfig: "{...}" } } }));
        expect(s.app.name).toBe("ticketbuster");
        expect(s.kube).toEqual({ kubeconfig: "{...}" });
        expect(s.backups.target).toEqual(S3);
    });

    it("reaches an app stack's cluster through the platform stack it references", async () => {
        const b = backupsOf("ticketbuster", { kind: "pvc", claim: "backups" }).backups;
        const stack = fakeStack("ticketbuster-local", { app: "ticketbuster", backups: b }, { platform: "organization/ticketbuster/platform-local" }, {
            "organization/ticketbuster/platform-local": { platform: { kubernetes: { context: "docker-desktop" } } },
        });
        expect((await stackBackups(stack)).kube).toEqual({ context: "docker-desktop" });
    });
});

describe("the stores a command acts on", () => {
    it("is every backed-up store, or the one named", () => {
        expect(chooseStores(backupsOf("ticketbuster"), undefined).map((t) => t.name)).toEqual(["postgres", "rabbitmq"]);
        expect(chooseStores(backupsOf("ticketbuster"), "rabbitmq").map((t) => t.kind)).toEqual(["rabbitmq"]);
    });

    it("refuses an unknown store, naming those with backups and those without", () => {
        expect(() => chooseStores(backupsOf("ticketing"), "nats")).toThrow(
            'Stack eks (ticketing) backs up no store named "nats"; stores with backups: auth-mongo, redis (not backed up: tickets-mongo, orders-mongo, payments-mongo, nats).',
        );
        expect(() => chooseStores(backupsOf("ticketbuster"), "mysql")).toThrow(UsageError);
    });

    it("takes latest or a backup's name", () => {
        expect(checkBackupName("latest")).toBe("latest");
        expect(checkBackupName("20261129T020000Z")).toBe("20261129T020000Z");
        expect(() => checkBackupName("2026-11-29")).toThrow(UsageError);
    });

    it("names Jobs as DNS labels within 63 characters", () => {
        const name = jobName("payments-mongo-restore", new Date("2026-11-29T02:00:00.123Z"));
        expect(name).toBe("payments-mongo-restore-20261129t020000z");
        expect(jobName("x".repeat(80)).length).toBeLessThanOrEqual(63);
    });
});

describe("a restore", () => {
    it("without --yes, says what it would overwrite and from where", () => {
        const s = backupsOf("ticketbuster");
        const { refusal } = describeRestore(s, storeByName(s.app, "postgres"), "latest");
        expect(refusal).toBe(
            "Refusing to restore without --yes. This would overwrite every database in the backup (pg_restore --clean --if-exists: its objects are dropped and restored; other databases are left alone) " +
                "of postgres (postgres) in namespace ticketbuster of stack eks, with backup latest from s3://ticketbuster-eks-backups-123456789012/ticketbuster/postgres/. Rerun with --yes to do it.",
        );
    });

    it("is a one-attempt Job whose pod is the restore pod of the store, labelled for its NetworkPolicies", () => {
        const tier = storeByName(APPS.ticketbuster, "postgres");
        const args = { tier, target: S3, destination: destinationOf(S3), backup: "20261129T020000Z" };
        const job = restoreJob({ ...args, namespace: "ticketbuster", name: "postgres-restore-x", app: "ticketbuster" }) as any;
        expect(job.spec.backoffLimit).toBe(0);
        expect(job.spec.template.metadata.labels.app).toBe("postgres-restore");
        expect(job.spec.template.spec).toEqual(restorePodSpec(args));
        const download = job.spec.template.spec.initContainers[0];
        expect(download.env).toContainEqual({ name: "BACKUP", value: "20261129T020000Z" });
        expect(download.env).toContainEqual({ name: "DESTINATION", value: "objects:ticketbuster-eks-backups-123456789012/ticketbuster" });
    });
});

describe("npm run deploy --destroy of a stack that keeps data", () => {
    const claim = (name: string, protect: boolean) => ({
        urn: `urn:pulumi:eks::ticketbuster::ticketbuster:app:Application$kubernetes:core/v1:PersistentVolumeClaim::${name}`,
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        protect,
        outputs: { metadata: { name, namespace: "ticketbuster" } },
    });

    it("refuses, naming the protected data and both ways on, when protectData left anything protected", () => {
        const refusal = protectedDataRefusal("eks", [
            claim("postgres-pvc", true),
            { urn: "urn:pulumi:eks::ticketbuster::aws:s3/bucket:Bucket::ticketbuster-backups", type: "aws:s3/bucket:Bucket", protect: true, outputs: { bucket: "ticketbuster-eks-backups-123456789012" } },
            claim("scratch", false),
        ]);
        expect(refusal).toContain("Refusing to destroy eks: it holds protected data (protectData): PersistentVolumeClaim ticketbuster/postgres-pvc, Bucket ticketbuster-eks-backups-123456789012. Nothing was deleted.");
        expect(refusal).toContain("pulumi state unprotect --all --yes --stack eks, then npm run deploy -- --stack eks --destroy");
        expect(refusal).toContain("pulumi config set protectData false --stack eks");
        expect(refusal).not.toContain("scratch");
    });

    it("lets a stack without protected resources go", () => {
        expect(protectedDataRefusal("dev", [claim("postgres-pvc", false)])).toBeUndefined();
    });
});
