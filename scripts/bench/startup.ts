/**
 * Program start-up as the Pulumi Node runtime does it: @pulumi/pulumi's own `cmd/run` (the script
 * the language host starts) loads index.ts with the runtime options of Pulumi.yaml, in a fresh
 * process per run, with a cold ts-node cache. startup-probe.cjs answers registrations with mocks
 * and reports the last registration's time and the peak RSS.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const PROJECT = "ticketbuster";
const SECRETS = { dbPassword: "bench-db-password-0123456789", rabbitmqPassword: "bench-mq-password-0123456789" };

export interface RuntimeOptions {
    typescript: boolean;
    tsconfig?: string;
    nodeargs?: string;
}

/** The runtime options Pulumi.yaml configures (what `pulumi up` uses). */
export function configuredRuntime(): RuntimeOptions {
    const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: Partial<RuntimeOptions> } };
    return { typescript: true, ...doc.runtime?.options };
}

/** Pulumi's default for a TypeScript project: ts-node over tsconfig.json, type-checking. */
export const TYPE_CHECKING: RuntimeOptions = { typescript: true };

export interface Startup {
    resources: number;
    /** Process start to the last resource registration. */
    lastRegistrationS: number;
    /** Process start to exit, measured from outside. */
    wallS: number;
    maxRssMb: number;
}

function stackConfig(stack: string): Record<string, string> {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) continue;
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    for (const [key, value] of Object.entries(SECRETS)) config[`${PROJECT}:${key}`] = value;
    return config;
}

export function measureStartup(stack: string, runtime: RuntimeOptions): Startup {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tb-ts-node-cache-"));
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        BENCH_STACK: stack,
        PULUMI_CONFIG: JSON.stringify(stackConfig(stack)),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.keys(SECRETS).map((k) => `${PROJECT}:${k}`)),
        // What the language host sets from the runtime options.
        PULUMI_NODEJS_TYPESCRIPT: String(runtime.typescript),
        ...(runtime.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: runtime.tsconfig } : {}),
        TS_NODE_CACHE_DIRECTORY: cache,
        // The local target checks its kube context: the bench does not depend on this machine's kubeconfig.
        KUBECONFIG: path.join(ROOT, "test", "fixtures", "kube", "docker-desktop.yaml"),
    };
    delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const args = [
        "--require", path.join(__dirname, "startup-probe.cjs"),
        ...(runtime.nodeargs?.split(/\s+/).filter(Boolean) ?? []),
        require.resolve("@pulumi/pulumi/cmd/run"),
        "--monitor", "mock", "--project", PROJECT, "--stack", stack, "--pwd", ROOT, "--root-directory", ROOT,
        "index.ts",
    ];
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 << 20 });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(cache, { recursive: true, force: true });
    const report = r.stdout.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(report.startsWith("{") ? report : "{}") as { code?: number; resources?: number; lastRegistrationMs?: number; maxRssMb?: number };
    if (r.status !== 0 || parsed.code !== 0 || !parsed.resources) {
        throw new Error(`start-up of stack ${stack} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    }
    return { resources: parsed.resources, lastRegistrationS: (parsed.lastRegistrationMs ?? 0) / 1000, wallS, maxRssMb: parsed.maxRssMb ?? 0 };
}
