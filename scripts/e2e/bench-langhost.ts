/**
 * `npm run bench:langhost`: how long `pulumi preview` takes to end with the real engine and the e2e
 * language host (scripts/e2e/langhost, which preloads nothing, like upstream's), for a program that
 * succeeds and for programs that fail. Each small program runs with scripts/runtime/inspect-guard.cjs
 * in its nodeargs ("after", as Pulumi.yaml preloads it for our program) and without ("before"): the
 * whole preview, and from the program's failure to the CLI's exit. Prints figures; asserts nothing.
 * Needs only the engine tools (no Kubernetes provider, no cluster). RUNS (default 3) per "after"
 * figure, BEFORE_RUNS (default 1) per "before" figure; medians.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENGINE_TOOLS, ROOT, useToolchain } from "./session";

const RUNS = Number(process.env.RUNS ?? "3");
const BEFORE_RUNS = Number(process.env.BEFORE_RUNS ?? "1");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const GUARD = path.join(ROOT, "scripts", "runtime", "inspect-guard.cjs");

/** A one-file JavaScript project (no compile step) next to the repo's node_modules, with or without the guard. */
function tinyProject(name: string, source: string, guard: boolean): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tb-langhost-${name}-`));
    const nodeargs = guard ? `    nodeargs: --require ${GUARD}\n` : "";
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n${nodeargs}main: index.js\n`);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), source);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** Written into the failing programs just before they fail: when the failure happened. */
const MARK = 'require("fs").writeFileSync(process.env.BENCH_FAILED_AT, String(Date.now()));\n';

interface Case {
    name: string;
    /** The project with the guard preloaded, and without it (none for our program, which always has it). */
    dir: string;
    unguardedDir?: string;
    stack: string;
    fails: boolean;
}

interface Timing {
    /** Start of `pulumi preview` to its exit. */
    total: number;
    /** The program's own failure (it writes the time to BENCH_FAILED_AT just before) to exit; NaN if unknown. */
    failureToEnd: number;
}

function preview(c: Case, dir: string): Promise<Timing> {
    const failedAt = path.join(os.tmpdir(), `tb-failed-at-${process.pid}`);
    fs.rmSync(failedAt, { force: true });
    const env = { ...process.env, BENCH_FAILED_AT: failedAt };
    const started = Date.now() / 1000;
    let output = "";
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", ["preview", "--stack", c.stack, "--non-interactive", "--cwd", dir], { env });
        const collect = (chunk: Buffer) => (output += chunk.toString());
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        child.on("error", reject);
        child.on("close", (code) => {
            const ended = Date.now() / 1000;
            if ((code !== 0) !== c.fails) return reject(new Error(`${c.name}: pulumi preview exited ${code}\n${output}`));
            const failed = fs.existsSync(failedAt) ? Number(fs.readFileSync(failedAt, "utf8")) / 1000 : NaN;
            resolve({ total: ended - started, failureToEnd: ended - failed });
        });
    });
}

async function medianTiming(c: Case, dir: string, runs: number): Promise<Timing> {
    const all: Timing[] = [];
    for (let i = 0; i < runs; i++) all.push(await preview(c, dir));
    return { total: median(all.map((t) => t.total)), failureToEnd: median(all.map((t) => t.failureToEnd)) };
}

async function main(): Promise<void> {
    const { backendDir } = useToolchain(ENGINE_TOOLS);
    process.env.PULUMI_BACKEND_URL = `file://${backendDir}`;
    const realStackFile = path.join(ROOT, "Pulumi.e2e.yaml"); // gitignored
    const cases: Case[] = [
        { name: "program that succeeds", dir: tinyProject("ok", 'exports.answer = 42;\n', true), stack: "bench", fails: false },
        ...[
            { name: "program that throws", source: `${MARK}throw new Error("boom");\n` },
            { name: "Config.require of a missing key", source: `const pulumi = require("@pulumi/pulumi");\n${MARK}new pulumi.Config().require("missing");\n` },
        ].map(({ name, source }, i) => ({
            name,
            dir: tinyProject(`fails${i}`, source, true),
            unguardedDir: tinyProject(`fails${i}-unguarded`, source, false),
            stack: "bench",
            fails: true,
        })),
        { name: "real program, bad config (target aws)", dir: ROOT, stack: "e2e", fails: true },
    ];
    fs.writeFileSync(realStackFile, "config:\n  ticketbuster:target: aws\n");
    try {
        for (const c of cases) {
            for (const dir of [c.dir, c.unguardedDir ?? []].flat()) {
                const r = spawnSync("pulumi", ["stack", "init", c.stack, "--cwd", dir], { encoding: "utf8" });
                if (r.status !== 0 && !r.stderr.includes("already exists")) throw new Error(r.stderr);
            }
        }
        const rows = [];
        for (const c of cases) {
            const after = await medianTiming(c, c.dir, RUNS);
            const before = c.unguardedDir ? await medianTiming(c, c.unguardedDir, BEFORE_RUNS) : undefined;
            rows.push({ c, before, after });
        }
        const f = (n: number, width: number) => (Number.isNaN(n) ? "–" : n.toFixed(1)).padStart(width);
        console.log(`\npulumi preview with the e2e language host, median seconds (${RUNS} run(s) after, ${BEFORE_RUNS} before), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
        console.log(`  ${"".padEnd(40)} ${"pulumi preview".padStart(22)}   ${"failure -> exit".padStart(16)}`);
        console.log(`  ${"program".padEnd(40)} ${"before".padStart(7)} ${"after".padStart(7)} ${"ratio".padStart(6)}   ${"before".padStart(7)} ${"after".padStart(8)}`);
        for (const { c, before, after } of rows) {
            const ratio = before ? (before.total / after.total).toFixed(1) : "";
            console.log(
                `  ${c.name.padEnd(40)} ${f(before?.total ?? NaN, 7)} ${f(after.total, 7)} ${ratio.padStart(6)}   ${f(before?.failureToEnd ?? NaN, 7)} ${f(after.failureToEnd, 8)}`,
            );
        }
    } finally {
        fs.rmSync(realStackFile, { force: true });
        for (const c of cases) for (const dir of [c.dir, c.unguardedDir]) if (dir && dir !== ROOT) fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
