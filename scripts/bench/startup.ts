/**
 * Program start-up as the Pulumi Node runtime does it: @pulumi/pulumi's own `cmd/run` (the script the
 * language host starts) loads the program with some runtime options, in a fresh process per run, with
 * a cold ts-node cache. startup-probe.cjs answers registrations with mocks and reports the last
 * registration's time and the peak RSS.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { MOCK_KUBECONFIG, stackConfig, TEST_SECRETS } from "../../test/harness";

const ROOT = path.join(__dirname, "..", "..");
const PROJECT = "ticketbuster";

export interface RuntimeOptions {
    /** Pulumi.yaml's runtime.options.typescript: whether the runtime registers ts-node. */
    typescript: boolean;
    nodeargs?: string;
    /** PULUMI_NODEJS_TRANSPILE_ONLY, which makes the runtime's ts-node skip type-checking. */
    transpileOnly?: boolean;
}

export interface StartupPath {
    name: string;
    runtime: RuntimeOptions;
    /** The program file; index.ts unless the path measures something else. */
    program?: string;
}

/** The runtime options Pulumi.yaml configures (what `pulumi up` uses). */
export function configuredRuntime(): RuntimeOptions {
    const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: Partial<RuntimeOptions> } };
    return { typescript: true, ...doc.runtime?.options };
}

export const PATHS = {
    /** Pulumi.yaml's runtime options. */
    configured: (): StartupPath => ({ name: "Pulumi.yaml", runtime: configuredRuntime() }),
    /** The runtime's ts-node without type-checking (a tsconfig `noCheck` does the same). */
    tsNodeTranspileOnly: { name: "ts-node transpile-only", runtime: { typescript: true, transpileOnly: true } } as StartupPath,
    /** Pulumi's default for a TypeScript project: ts-node over tsconfig.json, type-checking. */
    typeChecking: { name: "type-checking", runtime: { typescript: true } } as StartupPath,
    /** What no program can go below: the runtime, @pulumi/kubernetes and one Namespace. */
    floor: { name: "floor", runtime: { typescript: false }, program: "scripts/bench/floor-program.js" } as StartupPath,
};

export interface Startup {
    resources: number;
    /** Process start to the last resource registration. */
    lastRegistrationS: number;
    /** Process start to exit, measured from outside. */
    wallS: number;
    maxRssMb: number;
}

/** Stack file config plus every catalog secret, as `PULUMI_CONFIG` gives it to the program. */
export function programConfig(stack: string, overrides: Record<string, string> = {}): { config: Record<string, string>; secretKeys: string[] } {
    const config = stackConfig(stack);
    for (const [key, value] of Object.entries(overrides)) config[`${PROJECT}:${key}`] = value;
    const secretKeys = Object.keys(TEST_SECRETS).map((k) => `${PROJECT}:${k}`);
    for (const [key, value] of Object.entries(TEST_SECRETS)) config[`${PROJECT}:${key}`] = value;
    return { config, secretKeys };
}

export interface ProgramRun {
    status: number | null;
    stdout: string;
    stderr: string;
    wallS: number;
}

/**
 * Runs the program once through `cmd/run` and the probe, with the stack's config plus `overrides`
 * (keys without namespace); `extraEnv` adds variables (e.g. PROBE_DUMP).
 */
export async function runProgramProcess(stack: string, startup: StartupPath, overrides: Record<string, string> = {}, extraEnv: NodeJS.ProcessEnv = {}): Promise<ProgramRun> {
    const { runtime } = startup;
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tb-ts-node-cache-"));
    const { config, secretKeys } = programConfig(stack, overrides);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        BENCH_STACK: stack,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
        // What the language host sets from the runtime options.
        PULUMI_NODEJS_TYPESCRIPT: String(runtime.typescript),
        TS_NODE_CACHE_DIRECTORY: cache,
        // The local target checks its kube context: the bench does not depend on this machine's kubeconfig.
        KUBECONFIG: MOCK_KUBECONFIG,
        ...extraEnv,
    };
    delete env.PULUMI_NODEJS_TSCONFIG_PATH;
    if (runtime.transpileOnly) env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    else delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    // The language host starts `node <nodeargs> <cmd/run> ...`; the probe stands in for the engine.
    const args = [
        ...(runtime.nodeargs?.split(/\s+/).filter(Boolean) ?? []),
        "--require", path.join(__dirname, "startup-probe.cjs"),
        require.resolve("@pulumi/pulumi/cmd/run"),
        "--monitor", "mock", "--project", PROJECT, "--stack", stack, "--pwd", ROOT, "--root-directory", ROOT,
        startup.program ?? "index.ts",
    ];
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(cache, { recursive: true, force: true });
    return { status, stdout, stderr, wallS };
}

/** One start-up: runProgramProcess, which must succeed, and the probe's figures. */
export async function runStartup(stack: string, startup: StartupPath, overrides: Record<string, string> = {}, extraEnv: NodeJS.ProcessEnv = {}): Promise<Startup> {
    const r = await runProgramProcess(stack, startup, overrides, extraEnv);
    const report = r.stdout.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(report.startsWith("{") ? report : "{}") as { code?: number; resources?: number; lastRegistrationMs?: number; maxRssMb?: number };
    if (r.status !== 0 || parsed.code !== 0 || !parsed.resources) {
        throw new Error(`start-up of stack ${stack} (${startup.name}) failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    }
    return { resources: parsed.resources, lastRegistrationS: (parsed.lastRegistrationMs ?? 0) / 1000, wallS: r.wallS, maxRssMb: parsed.maxRssMb ?? 0 };
}
