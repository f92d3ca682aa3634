/**
 * `npm run bench`: prints figures, asserts nothing.
 *  1. Program start-up per stack (dev, eks, gke) the way the Pulumi runtime loads it, with the runtime
 *     options of Pulumi.yaml and with Pulumi's type-checking default: median of RUNS (default 5)
 *     fresh processes each, start -> last registration and peak RSS, and the ratio of the two paths.
 *  2. Scaling: a generated app of 10, 50 and 200 stateless tiers under mocks, one process per size:
 *     resources, time, peak RSS and the cost per tier.
 * BENCH_ONLY=startup|scaling runs one part; TYPECHECK_RUNS overrides RUNS for the slow type-checking path.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { configuredRuntime, measureStartup, Startup, TYPE_CHECKING } from "./bench/startup";

const RUNS = Number(process.env.RUNS ?? "5");
const TYPECHECK_RUNS = Number(process.env.TYPECHECK_RUNS ?? RUNS);
const STACKS = ["dev", "eks", "gke"];
const SIZES = [10, 50, 200];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n: number, digits = 2, width = 8) => n.toFixed(digits).padStart(width);

function medianStartup(stack: string, runtime: Parameters<typeof measureStartup>[1], runs: number): Startup {
    const all = Array.from({ length: runs }, () => measureStartup(stack, runtime));
    return {
        resources: all[0].resources,
        lastRegistrationS: median(all.map((s) => s.lastRegistrationS)),
        wallS: median(all.map((s) => s.wallS)),
        maxRssMb: median(all.map((s) => s.maxRssMb)),
    };
}

function startup(): void {
    const runtime = configuredRuntime();
    const describe = (o: typeof runtime) => `typescript: ${o.typescript}${o.tsconfig ? `, tsconfig: ${o.tsconfig}` : ""}${o.nodeargs ? `, nodeargs: ${o.nodeargs}` : ""}`;
    console.log(`\n1. Program start-up (Pulumi's cmd/run over index.ts, mocks, cold ts-node cache), median of ${RUNS} (type-checking: ${TYPECHECK_RUNS}), ${os.cpus().length} cores`);
    console.log(`   runtime path: Pulumi.yaml (${describe(runtime)}); type-checking path: Pulumi's default (${describe(TYPE_CHECKING)})`);
    console.log(`   ${"stack".padEnd(6)} ${"resources".padStart(9)} ${"runtime s".padStart(9)} ${"MB".padStart(7)} ${"type-check s".padStart(12)} ${"MB".padStart(7)} ${"time ratio".padStart(10)} ${"RSS ratio".padStart(9)}`);
    for (const stack of STACKS) {
        const fast = medianStartup(stack, runtime, RUNS);
        const checked = medianStartup(stack, TYPE_CHECKING, TYPECHECK_RUNS);
        console.log(
            `   ${stack.padEnd(6)} ${String(fast.resources).padStart(9)} ${f(fast.lastRegistrationS, 2, 9)} ${f(fast.maxRssMb, 0, 7)} ` +
                `${f(checked.lastRegistrationS, 2, 12)} ${f(checked.maxRssMb, 0, 7)} ${f(checked.lastRegistrationS / fast.lastRegistrationS, 1, 10)} ${f(checked.maxRssMb / fast.maxRssMb, 1, 9)}`,
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

const only = process.env.BENCH_ONLY;
if (!only || only === "startup") startup();
if (!only || only === "scaling") scaling();
