import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** A throwaway PostgreSQL 15 server on 127.0.0.1 and a free port, in a temp dir. */
export interface PgServer {
    port: number;
    /** Runs SQL (a file or a string) with psql; returns stdout, throws with stderr on error. */
    psql(args: { file?: string; sql?: string; db?: string; transaction?: boolean }): string;
    /** Runs a query and returns the single value it prints. */
    scalar(sql: string, db?: string): string;
    createDatabase(name: string): void;
    stop(): void;
}

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** initdb/pg_ctl refuse to run as root, so as root they run as the `postgres` user. */
function asPostgres(cmd: string, args: string[]): string[] {
    const full = [path.join(BIN, cmd), ...args];
    return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...full] : full;
}

function run(argv: string[], input?: string): string {
    const r = spawnSync(argv[0], argv.slice(1), { input, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
        srv.on("error", reject);
    });
}

export async function startPostgres(): Promise<PgServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tb-pg-"));
    fs.chmodSync(dir, 0o755);
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
    const data = path.join(dir, "data");
    const port = await freePort();
    run(asPostgres("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]));
    run(
        asPostgres("pg_ctl", [
            "-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60",
            "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
            "start",
        ]),
    );

    // The same flags as the seed Job: stop at the first error, one transaction per file.
    const psql = ({ file, sql, db = "postgres", transaction = true }: { file?: string; sql?: string; db?: string; transaction?: boolean }) =>
        run([
            "psql", "-X", "-q", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", db,
            "-v", "ON_ERROR_STOP=1", ...(transaction ? ["--single-transaction"] : []), "-At",
            ...(file ? ["-f", file] : ["-c", sql ?? ""]),
        ]);
    return {
        port,
        psql,
        scalar: (sql, db) => psql({ sql, db }).trim(),
        createDatabase: (name) => void psql({ sql: `CREATE DATABASE "${name}"`, transaction: false }),
        stop() {
            try {
                run(asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]));
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}
