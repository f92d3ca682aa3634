/**
 * `npm run bench:langhost`: how long `pulumi preview` takes to end with the real engine and the e2e
 * language host (scripts/e2e/langhost), for a program that succeeds and for programs that fail.
 * Each failing case runs with the host's inspect guard ("after") and without it ("before",
 * PULUMI_LANGUAGE_NODEJS_NO_INSPECT_GUARD=1). Prints figures; asserts nothing.
 * Needs only the engine tools (no Kubernetes provider, no cluster). RUNS (default 3) per "after"
 * figure, BEFORE_RUNS (default 1) per "before" figure; medians.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENGINE_TOOLS, ROOT, useToolchain } from "./session";

const RUNS = Number(process.env.RUNS ?? "3");
const BEFORE_RUNS = Number(process.env.BEFORE_RUNS ?? "1");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A one-file JavaScript project (no compile step) next to the repo's node_modules. */
function tinyProject(name: string, source: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tb-langhost-${name}-`));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), source);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

interface Case {
    name: string;
    dir: string;
    stack: string;
    fails: boolean;
}

function preview(c: Case, guard: boolean): number {
    const env = { ...process.env, ...(guard ? {} : { PULUMI_LANGUAGE_NODEJS_NO_INSPECT_GUARD: "1" }) };
    const started = process.hrtime.bigint();
    const r = spawnSync("pulumi", ["preview", "--stack", c.stack, "--non-interactive", "--cwd", c.dir], { env, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if ((r.status !== 0) !== c.fails) throw new Error(`${c.name}: pulumi preview exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    return seconds;
}

function main(): void {
    const { backendDir } = useToolchain(ENGINE_TOOLS);
    process.env.PULUMI_BACKEND_URL = `file://${backendDir}`;
    const realStackFile = path.join(ROOT, "Pulumi.e2e.yaml"); // gitignored
    const cases: Case[] = [
        { name: "program that succeeds", dir: tinyProject("ok", 'exports.answer = 42;\n'), stack: "bench", fails: false },
        { name: "program that throws", dir: tinyProject("throws", 'throw new Error("boom");\n'), stack: "bench", fails: true },
        {
            name: "Config.require of a missing key",
            dir: tinyProject("config", 'const pulumi = require("@pulumi/pulumi");\nnew pulumi.Config().require("missing");\n'),
            stack: "bench",
            fails: true,
        },
        { name: "real program, bad config (target aws)", dir: ROOT, stack: "e2e", fails: true },
    ];
    fs.writeFileSync(realStackFile, "config:\n  ticketbuster:target: aws\n");
    try {
        for (const c of cases) {
            const r = spawnSync("pulumi", ["stack", "init", c.stack, "--cwd", c.dir], { encoding: "utf8" });
            if (r.status !== 0 && !r.stderr.includes("already exists")) throw new Error(r.stderr);
        }
        const rows = cases.map((c) => {
            const after = median(Array.from({ length: RUNS }, () => preview(c, true)));
            const before = c.fails ? median(Array.from({ length: BEFORE_RUNS }, () => preview(c, false))) : after;
            return { c, before, after };
        });
        const ok = rows[0].after;
        console.log(`\npulumi preview with the e2e language host, median seconds (${RUNS} run(s) after, ${BEFORE_RUNS} before), ${os.cpus().length} cores`);
        console.log(`  ${"program".padEnd(40)} ${"before".padStart(8)} ${"after".padStart(8)} ${"before/after".padStart(13)} ${"after - ok run".padStart(15)}`);
        for (const { c, before, after } of rows) {
            const extra = c.fails ? `${(before / after).toFixed(1).padStart(13)} ${(after - ok).toFixed(1).padStart(15)}` : "";
            console.log(`  ${c.name.padEnd(40)} ${before.toFixed(1).padStart(8)} ${after.toFixed(1).padStart(8)} ${extra}`);
        }
    } finally {
        fs.rmSync(realStackFile, { force: true });
        for (const c of cases) if (c.dir !== ROOT) fs.rmSync(c.dir, { recursive: true, force: true });
    }
}

main();
