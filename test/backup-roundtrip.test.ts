/**
 * The backup round trip with the very scripts the backup CronJobs and the restore Jobs run
 * (components/backup-scripts.ts, which builds their pods from the same functions): dump, upload to a
 * local directory with rclone (the local target's destination), lose the data, download, restore.
 * Against a real PostgreSQL 15 (TicketBuster's seed) and a real Redis (Debian's redis-server).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadScript, dumpScript, restoreScript, uploadScript } from "../components/backup-scripts";
import { readSqlDir } from "../components/sql-seed-job";
import { freePort, PgServer, startPostgres } from "./postgres-server";

const SQL_DIR = path.join(__dirname, "..", "sql", "ticketbuster");
const seedFiles = Object.keys(readSqlDir(SQL_DIR)).map((f) => path.join(SQL_DIR, f));

interface Shell {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a script as the pods do (`sh -c`), with only PATH and the given variables. */
function sh(script: string, env: Record<string, string>): Shell {
    const r = spawnSync("sh", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8", timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(script: string, env: Record<string, string>): string {
    const r = sh(script, env);
    if (r.status !== 0) throw new Error(`script failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
}

let root: string;
beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "tb-backup-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** One pod's private directories, as the emptyDir at /backup holds them. */
function podDirs(name: string) {
    const scratch = path.join(root, name);
    fs.mkdirSync(scratch, { recursive: true, mode: 0o777 });
    return { DUMP_DIR: path.join(scratch, "dump"), WORK_DIR: path.join(scratch, "work"), HOME: path.join(scratch, "work") };
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe("PostgreSQL: pg_dump --format=custom per database, pg_restore --clean --if-exists", () => {
    let pg: PgServer;
    let destination: string;
    const store = () => ({ STORE: "postgres", STORE_HOST: "127.0.0.1", STORE_PORT: String(pg.port), STORE_USER: "postgres", STORE_PASSWORD: "", STORE_DATABASE: "ticketbuster" });
    const events = () => Number(pg.scalar("SELECT count(*) FROM catalog.events", "ticketbuster"));

    beforeAll(async () => {
        pg = await startPostgres();
        pg.createDatabase("ticketbuster");
        pg.createDatabase("reports");
        for (const file of seedFiles) pg.psql({ file, db: "ticketbuster" });
        pg.psql({ sql: "CREATE TABLE daily (day date PRIMARY KEY); INSERT INTO daily VALUES ('2026-01-01')", db: "reports" });
        destination = path.join(root, "pg-destination");
    });
    afterAll(() => pg?.stop());

    it("dumps every database into a 0700 directory, with checksums, and uploads them under <store>/<UTC time>/", () => {
        expect(events()).toBe(20);
        const dirs = podDirs("pg-backup");
        const dumped = ok(dumpScript("postgres"), { ...store(), ...dirs });
        expect(dumped).toContain("dumped database ticketbuster");
        expect(fs.readdirSync(dirs.DUMP_DIR).sort()).toEqual(["SHA256SUMS", "reports.pgdump", "ticketbuster.pgdump"]);
        expect(mode(dirs.DUMP_DIR)).toBe(0o700);
        expect(mode(dirs.WORK_DIR)).toBe(0o700);
        for (const f of fs.readdirSync(dirs.DUMP_DIR)) expect(mode(path.join(dirs.DUMP_DIR, f)) & 0o077, f).toBe(0);

        const uploaded = ok(uploadScript(), { STORE: "postgres", DUMP_DIR: dirs.DUMP_DIR, DESTINATION: destination, PRUNE_DAYS: "14", HOME: dirs.HOME });
        const [stamp] = fs.readdirSync(path.join(destination, "postgres"));
        expect(stamp).toMatch(/^[0-9]{8}T[0-9]{6}Z$/);
        expect(uploaded).toContain(`backup complete: postgres/${stamp}`);
        expect(fs.readdirSync(path.join(destination, "postgres", stamp)).sort()).toEqual(["SHA256SUMS", "reports.pgdump", "ticketbuster.pgdump"]);
    });

    it("restores the latest backup over lost rows and into dropped databases: the 20 events are back, once", () => {
        pg.psql({ sql: "DELETE FROM orders.order_items; DELETE FROM catalog.ticket_types; DELETE FROM catalog.events", db: "ticketbuster" });
        expect(events()).toBe(0);
        pg.psql({ sql: "DROP DATABASE reports WITH (FORCE)", transaction: false });

        const dirs = podDirs("pg-restore");
        const downloaded = ok(downloadScript(), { STORE: "postgres", BACKUP: "latest", DUMP_DIR: dirs.DUMP_DIR, DESTINATION: destination, HOME: dirs.HOME });
        expect(downloaded).toMatch(/downloaded postgres\/[0-9]{8}T[0-9]{6}Z/);
        const restored = ok(restoreScript("postgres"), { ...store(), ...dirs });
        expect(restored).toContain("restored database ticketbuster");
        expect(restored).toContain("restored database reports");

        expect(events()).toBe(20);
        expect(pg.scalar("SELECT count(DISTINCT slug) FROM catalog.events", "ticketbuster")).toBe("20");
        expect(pg.scalar("SELECT count(*) FROM catalog.ticket_types", "ticketbuster")).toBe("60");
        expect(pg.scalar("SELECT day FROM daily", "reports")).toBe("2026-01-01");
    });

    it("refuses a backup whose files do not match their checksums", () => {
        const dirs = podDirs("pg-corrupt");
        ok(downloadScript(), { STORE: "postgres", BACKUP: "latest", DUMP_DIR: dirs.DUMP_DIR, DESTINATION: destination, HOME: dirs.HOME });
        fs.appendFileSync(path.join(dirs.DUMP_DIR, "ticketbuster.pgdump"), "x");
        const r = sh(restoreScript("postgres"), { ...store(), ...dirs });
        expect(r.status).not.toBe(0);
        expect(events()).toBe(20);
    });

    it("names the complete backups when asked for one that does not exist, and finds none for an unknown store", () => {
        const dirs = podDirs("pg-missing");
        const missing = sh(downloadScript(), { STORE: "postgres", BACKUP: "20000101T000000Z", DUMP_DIR: dirs.DUMP_DIR, DESTINATION: destination, HOME: dirs.HOME });
        expect(missing.status).toBe(3);
        const [stamp] = fs.readdirSync(path.join(destination, "postgres"));
        expect(missing.stderr).toContain(`no complete backup 20000101T000000Z of postgres under ${destination}/postgres; there are: ${stamp}`);
        const none = sh(downloadScript(), { STORE: "mongodb", BACKUP: "latest", DUMP_DIR: dirs.DUMP_DIR, DESTINATION: destination, HOME: dirs.HOME });
        expect(none.status).toBe(3);
        expect(none.stderr).toContain(`no complete backup of mongodb under ${destination}/mongodb`);
    });

    it("never takes an incomplete backup (no SHA256SUMS) for the latest, and prunes what is older than the retention", () => {
        const incomplete = path.join(destination, "postgres", "29990101T000000Z");
        fs.mkdirSync(incomplete);
        fs.writeFileSync(path.join(incomplete, "ticketbuster.pgdump"), "partial upload");
        const dirs = podDirs("pg-latest");
        const downloaded = ok(downloadScript(), { STORE: "postgres", BACKUP: "latest", DUMP_DIR: dirs.DUMP_DIR, DESTINATION: destination, HOME: dirs.HOME });
        expect(downloaded).not.toContain("29990101T000000Z");

        const old = path.join(destination, "postgres", "20000101T000000Z");
        fs.mkdirSync(old);
        for (const f of ["ticketbuster.pgdump", "SHA256SUMS"]) {
            fs.writeFileSync(path.join(old, f), "old");
            const t = new Date("2000-01-01T00:00:00Z");
            fs.utimesSync(path.join(old, f), t, t);
        }
        const backup = podDirs("pg-backup-2");
        ok(dumpScript("postgres"), { ...store(), ...backup });
        ok(uploadScript(), { STORE: "postgres", DUMP_DIR: backup.DUMP_DIR, DESTINATION: destination, PRUNE_DAYS: "14", HOME: backup.HOME });
        expect(fs.existsSync(old)).toBe(false);
        expect(fs.readdirSync(path.join(destination, "postgres")).filter((d) => d !== "29990101T000000Z").length).toBeGreaterThanOrEqual(1);
    });
});

describe("Redis (durable): an RDB snapshot, restored by replication", () => {
    const PASSWORD = "redis-backup-test-pass";
    let port: number;
    let server: ChildProcess;
    let destination: string;
    const cli = (...args: string[]) => {
        const r = spawnSync("redis-cli", ["--no-auth-warning", "-p", String(port), "-a", PASSWORD, ...args], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(r.stderr);
        return r.stdout.trim();
    };
    const store = () => ({ STORE: "redis", STORE_HOST: "127.0.0.1", STORE_PORT: String(port), STORE_USER: "default", STORE_PASSWORD: PASSWORD, STORE_DATABASE: "" });

    beforeAll(async () => {
        port = await freePort();
        const dir = path.join(root, "redis-data");
        fs.mkdirSync(dir);
        // As the store runs it (components/redis.ts): requirepass, append-only persistence.
        server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--requirepass", PASSWORD, "--appendonly", "yes", "--dir", dir], { stdio: "ignore" });
        for (let i = 0; i < 100; i++) {
            if (spawnSync("redis-cli", ["--no-auth-warning", "-p", String(port), "-a", PASSWORD, "ping"], { encoding: "utf8" }).stdout.includes("PONG")) break;
            await new Promise((r) => setTimeout(r, 100));
        }
        destination = path.join(root, "redis-destination");
    });
    afterAll(() => server?.kill("SIGKILL"));

    it("backs up carts and pending jobs, loses them, restores them, and the store is a primary with AOF again", async () => {
        cli("HSET", "cart:42", "roses", "12", "tulips", "3");
        cli("SET", "expiration:order:7", "pending", "EX", "3600");
        for (let i = 0; i < 200; i++) cli("SET", `key:${i}`, String(i));

        const backup = podDirs("redis-backup");
        ok(dumpScript("redis"), { ...store(), ...backup });
        expect(fs.readdirSync(backup.DUMP_DIR).sort()).toEqual(["SHA256SUMS", "dump.rdb"]);
        ok(uploadScript(), { STORE: "redis", DUMP_DIR: backup.DUMP_DIR, DESTINATION: destination, HOME: backup.HOME });

        cli("FLUSHALL");
        cli("SET", "written:after", "the backup");
        expect(cli("DBSIZE")).toBe("1");

        const restore = podDirs("redis-restore");
        ok(downloadScript(), { STORE: "redis", BACKUP: "latest", DUMP_DIR: restore.DUMP_DIR, DESTINATION: destination, HOME: restore.HOME });
        const restored = ok(restoreScript("redis"), { ...store(), ...restore, RESTORE_HOST: "127.0.0.1", RESTORE_PORT: String(await freePort()) });
        expect(restored).toContain("restored: 202 keys");

        expect(cli("DBSIZE")).toBe("202");
        expect(cli("HGET", "cart:42", "roses")).toBe("12");
        expect(Number(cli("TTL", "expiration:order:7"))).toBeGreaterThan(3000);
        expect(cli("EXISTS", "written:after")).toBe("0");
        expect(cli("ROLE").split("\n")[0]).toBe("master");
        expect(cli("CONFIG", "GET", "appendonly").split("\n")[1]).toBe("yes");
        // Writable again (a replica would refuse).
        expect(cli("SET", "after:restore", "1")).toBe("OK");
    });
});
