/**
 * Shared by the e2e test and the e2e benchmark: the toolchain on PATH, the kwok cluster, and the
 * `e2e` stack file (Pulumi.dev.yaml + test/e2e/overlay.yaml + this cluster's kubeconfig).
 */
import { execFileSync, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

export const ROOT = path.join(__dirname, "..", "..");
export const E2E_STACK = "e2e";
const STACK_FILE = path.join(ROOT, `Pulumi.${E2E_STACK}.yaml`);

export const e2eScript = (name: string, ...args: string[]) =>
    execFileSync("bash", [path.join(ROOT, "scripts", "e2e", name), ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();

export const ENGINE_TOOLS = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];
export const CLUSTER_TOOLS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kwokctl"];

/** The Kubernetes provider plugin; the module proxy here does not serve its module (see README). */
export const PROVIDER_TOOLS = ["pulumi-resource-kubernetes"];

/** The toolchain's bin dir and which of `tools` are not built there (no build is started). */
function toolchain(tools: string[]): { bin: string; missing: string[] } {
    const bin = e2eScript("toolchain.sh", "bin-dir");
    return { bin, missing: tools.filter((tool) => !fs.existsSync(path.join(bin, tool))) };
}

export const hasTools = (tools: string[]): boolean => toolchain(tools).missing.length === 0;

/** Puts the built tools on PATH and isolates Pulumi (home, backend, passphrase) in temp dirs. */
export function useToolchain(tools: string[]): { backendDir: string } {
    const { bin, missing } = toolchain(tools);
    if (missing.length > 0) throw new Error(`${missing.join(", ")} not built: run bash scripts/e2e/toolchain.sh build`);
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.PULUMI_SKIP_UPDATE_CHECK = "true";
    process.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
    process.env.PULUMI_CONFIG_PASSPHRASE = randomBytes(16).toString("hex");
    delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    process.env.PULUMI_HOME = fs.mkdtempSync(path.join(os.tmpdir(), "tb-pulumi-home-"));
    return { backendDir: fs.mkdtempSync(path.join(os.tmpdir(), "tb-state-")) };
}

/**
 * Names this process's kwok cluster (and its state dir) for scripts/e2e/cluster.sh, so that e2e files
 * that vitest runs side by side, and the benchmark, each have their own API server.
 */
export function useCluster(name: string): void {
    process.env.E2E_CLUSTER_NAME = `ticketbuster-${name}`;
    process.env.TICKETBUSTER_E2E_CLUSTER_DIR = path.join(os.tmpdir(), `ticketbuster-${name}-cluster`);
}

/** (Re)creates the kwok cluster; returns its kubeconfig path and context. */
export function clusterUp(): { kubeconfig: string; context: string } {
    e2eScript("cluster.sh", "up");
    const kubeconfig = e2eScript("cluster.sh", "kubeconfig");
    const context = execFileSync("kubectl", ["--kubeconfig", kubeconfig, "config", "current-context"], { encoding: "utf8" }).trim();
    return { kubeconfig, context };
}

export function clusterDown(): void {
    spawnSync("bash", [path.join(ROOT, "scripts", "e2e", "cluster.sh"), "down"], { stdio: "inherit" });
}

export function removeStackFile(): void {
    fs.rmSync(STACK_FILE, { force: true });
}

type StackDoc = { config?: Record<string, unknown>; encryptionsalt?: string };
const readStackDoc = (file: string) => (parse(fs.readFileSync(file, "utf8")) ?? {}) as StackDoc;

/**
 * The e2e overlay of the dev config (test/e2e/overlay.yaml), keys without namespace: no load
 * balancer and no provisioner in the kwok cluster.
 */
export function e2eOverlay(): Record<string, string> {
    const config = readStackDoc(path.join(ROOT, "test", "e2e", "overlay.yaml")).config ?? {};
    // Object keys (set with --path) travel as JSON, as `pulumi config` hands them to the program.
    const text = (v: unknown) => (v !== null && typeof v === "object" ? JSON.stringify(v) : String(v));
    return Object.fromEntries(Object.entries(config).map(([key, v]) => [key.slice(key.indexOf(":") + 1), text(v)]));
}

/**
 * Writes Pulumi.e2e.yaml (gitignored). Generated secrets and the encryption salt of an earlier
 * write are kept; plain keys are rewritten from dev + overlay + `extra`.
 */
export function writeStackFile(cluster: { kubeconfig: string; context: string }, extra: Record<string, string> = {}): void {
    const dev = readStackDoc(path.join(ROOT, "Pulumi.dev.yaml"));
    const previous = fs.existsSync(STACK_FILE) ? readStackDoc(STACK_FILE) : {};
    const secrets = Object.entries(previous.config ?? {}).filter(([, v]) => v !== null && typeof v === "object" && "secure" in v);
    const doc = {
        ...(previous.encryptionsalt ? { encryptionsalt: previous.encryptionsalt } : {}),
        config: {
            ...dev.config,
            ...Object.fromEntries(
                Object.entries({ ...e2eOverlay(), kubeconfig: cluster.kubeconfig, kubeContext: cluster.context, ...extra }).map(
                    ([key, v]) => [`ticketbuster:${key}`, v],
                ),
            ),
            ...Object.fromEntries(secrets),
        },
    };
    fs.writeFileSync(STACK_FILE, stringify(doc));
}

/** SIGKILL a process and all its descendants. */
function killTree(pid: number): void {
    const children = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
    try {
        process.kill(pid, "SIGKILL");
    } catch {
        /* already gone */
    }
    children.forEach(killTree);
}

/** Kills a running `pulumi up` of a stack like a crash would: the CLI, its language host and plugins. */
export function killEngine(stack: string): void {
    const pids = spawnSync("pgrep", ["-f", `pulumi up .*--stack ${stack}`], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    for (const pid of pids) killTree(Number(pid));
}
