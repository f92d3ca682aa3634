/**
 * `npm run bench`: prints figures, asserts nothing.
 *  1. Program start-up per stack (dev, eks, gke) the way the Pulumi runtime loads it: with the runtime
 *     options of Pulumi.yaml, with the runtime's ts-node transpiling only, with Pulumi's type-checking
 *     default, and the floor (the runtime and the Kubernetes SDK alone): median of RUNS (default 5)
 *     fresh processes each, start -> last registration and peak RSS, and the ratios of the paths.
 *  2. Scaling: a generated app of 10, 50 and 200 stateless tiers under mocks, one process per size:
 *     resources, time, peak RSS and the cost per tier.
 * BENCH_ONLY=startup|scaling runs one part, BENCH_STACKS=dev,eks some stacks; TYPECHECK_RUNS overrides RUNS for
 * the slow type-checking path.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { PATHS, runStartup, Startup, StartupPath } from "./bench/startup";

const RUNS = Number(process.env.RUNS ?? "5");
const TYPECHECK_RUNS = Number(process.env.TYPECHECK_RUNS ?? RUNS);
const STACKS = process.env.BENCH_STACKS?.split(",") ?? ["dev", "eks", "gke"];
const SIZES = [10, 50, 200];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n: number, digits = 2, width = 8) => n.toFixed(digits).padStart(width);

/** Medians of `runs` fresh processes per path, the paths interleaved so that machine load hits them alike. */
async function medianStartups(stack: string, paths: StartupPath[], runs: (p: StartupPath) => number): Promise<Startup[]> {
    const all: Startup[][] = paths.map(() => []);
    for (let i = 0; i < Math.max(...paths.map(runs)); i++) {
        for (const [k, p] of paths.entries()) if (i < runs(p)) all[k].push(await runStartup(stack, p));
    }
    return all.map((xs) => ({
        resources: xs[0].resources,
        lastRegistrationS: median(xs.map((s) => s.lastRegistrationS)),
        wallS: median(xs.map((s) => s.wallS)),
        maxRssMb: median(xs.map((s) => s.maxRssMb)),
    }));
}

async function startup(): Promise<void> {
    const configured = PATHS.configured();
    const paths = [configured, PATHS.tsNodeTranspileOnly, PATHS.typeChecking, PATHS.floor];
    const runs = (p: StartupPath) => (p === PATHS.typeChecking ? TYPECHECK_RUNS : RUNS);
    const o = configured.runtime;
    console.log(`\n1. Program start-up (Pulumi's cmd/run, mocks, cold ts-node cache), start -> last registration, median of ${RUNS} (type-checking: ${TYPECHECK_RUNS}), ${os.cpus().length} cores`);
    console.log(`   Pulumi.yaml: typescript: ${o.typescript}${o.nodeargs ? `, nodeargs: ${o.nodeargs}` : ""}`);
    console.log(`   floor: the runtime, @pulumi/kubernetes and one Namespace (scripts/bench/floor-program.js); "own" = Pulumi.yaml path - floor`);
    console.log(
        `   ${"stack".padEnd(6)} ${"resources".padStart(9)} ${"Pulumi.yaml s".padStart(13)} ${"MB".padStart(5)} ${"own s".padStart(6)} ` +
            `${"ts-node tr.-only s".padStart(18)} ${"MB".padStart(5)} ${"type-check s".padStart(12)} ${"MB".padStart(5)} ${"floor s".padStart(7)} ` +
            `${"tr.-only/yaml".padStart(13)} ${"check/yaml time".padStart(15)} ${"RSS".padStart(5)}`,
    );
    for (const stack of STACKS) {
        const [fast, transpile, checked, floor] = await medianStartups(stack, paths, runs);
        console.log(
            `   ${stack.padEnd(6)} ${String(fast.resources).padStart(9)} ${f(fast.lastRegistrationS, 2, 13)} ${f(fast.maxRssMb, 0, 5)} ` +
                `${f(fast.lastRegistrationS - floor.lastRegistrationS, 2, 6)} ${f(transpile.lastRegistrationS, 2, 18)} ${f(transpile.maxRssMb, 0, 5)} ` +
                `${f(checked.lastRegistrationS, 2, 12)} ${f(checked.maxRssMb, 0, 5)} ${f(floor.lastRegistrationS, 2, 7)} ` +
                `${f(transpile.lastRegistrationS / fast.lastRegistrationS, 2, 13)} ${f(checked.lastRegistrationS / fast.lastRegistrationS, 1, 15)} ${f(checked.maxRssMb / fast.maxRssMb, 1, 5)}`,
        );
    }
}

interface ScalingRun {
    tiers: number;
    resources: number;
    seconds: number;
    maxRssMb: number;
}

function scalingRun(tiers: number): ScalingRun {
    const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "bench", "scaling-run.ts"), String(tiers)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`scaling run with ${tiers} tiers failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as ScalingRun;
}

function scaling(): void {
    console.log(`\n2. Scaling: generated app, N stateless tiers (Deployment, Service, ServiceAccount, PDB, 2 NetworkPolicy edges each) under mocks, one process per size, median of ${RUNS}`);
    console.log(`   ${"tiers".padStart(5)} ${"resources".padStart(9)} ${"res/tier".padStart(8)} ${"seconds".padStart(8)} ${"ms/tier".padStart(8)} ${"peak MB".padStart(8)} ${"ΔMB/Δtier".padStart(9)}`);
    let previous: ScalingRun | undefined;
    const rows: ScalingRun[] = [];
    for (const tiers of SIZES) {
        const runs = Array.from({ length: RUNS }, () => scalingRun(tiers));
        const row = { tiers, resources: runs[0].resources, seconds: median(runs.map((r) => r.seconds)), maxRssMb: median(runs.map((r) => r.maxRssMb)) };
        const mbPerTier = previous ? f((row.maxRssMb - previous.maxRssMb) / (tiers - previous.tiers), 2, 9) : "–".padStart(9);
        console.log(
            `   ${String(tiers).padStart(5)} ${String(row.resources).padStart(9)} ${f(row.resources / tiers, 1, 8)} ${f(row.seconds, 2, 8)} ${f((row.seconds * 1000) / tiers, 1, 8)} ${f(row.maxRssMb, 0, 8)} ${mbPerTier}`,
        );
        rows.push(row);
        previous = row;
    }
    const [small, , large] = rows;
    const perTier = (r: ScalingRun) => r.seconds / r.tiers;
    console.log(`   per-tier time at ${large.tiers} / at ${small.tiers} tiers: ${(perTier(large) / perTier(small)).toFixed(2)} (1 = linear, > 1 = super-linear)`);
}

async function main(): Promise<void> {
    const only = process.env.BENCH_ONLY;
    if (!only || only === "startup") await startup();
    if (!only || only === "scaling") scaling();
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
