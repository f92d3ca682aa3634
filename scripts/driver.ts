import { EngineEvent, LocalWorkspace, OpMap, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APPS, DEFAULT_APP } from "../apps";
import { addonsOfRawConfig } from "../config/addons";
import { roleOf } from "../config/roles";
import { addonSecretKeys, secretKeysOf } from "../config/secrets";
import { referencingStacks } from "./platform-references";
import { refuseDestroyOfProtectedData } from "./protected-data";
import { checkKubeContext, pulumiCli, UsageError } from "./preflight";

export type Action = "up" | "preview" | "refresh" | "destroy";

export interface DriverOptions {
    stack: string;
    action: Action;
    /** Project directory (Pulumi.yaml). Defaults to the repo root. */
    workDir?: string;
    /** State backend; defaults to $PULUMI_BACKEND_URL, else a file backend in <workDir>/.pulumi-state. */
    backendUrl?: string;
    /** Streams the engine's progress (default: stdout). */
    onOutput?: (line: string) => void;
    /** Extra environment for the engine and the program. */
    env?: Record<string, string>;
    /** Abort the operation (the engine is sent SIGINT). */
    signal?: AbortSignal;
    /** Structured engine events (resource steps, diagnostics, summary). */
    onEvent?: (event: EngineEvent) => void;
    /** Install the pinned Pulumi CLI through the Automation API when it is missing, and use it. */
    installCli?: boolean;
    /** A CrossGuard pack (directory) enforced on up and preview, with its config file. */
    policyPack?: { dir: string; config?: string };
    /** Destroy even while app stacks of the same backend still reference this stack as their platform. */
    force?: boolean;
}

export interface DriverResult {
    action: Action;
    stack: string;
    changes: OpMap;
    outputs: OutputMap;
    /** One line, e.g. "up dev: 3 create, 46 same (12.4s)". */
    summary: string;
    seconds: number;
}

const PROJECT = "ticketbuster";
const REPO_ROOT = path.join(__dirname, "..");

/** Counts of changed resources, excluding "same"; 0 means nothing would change. */
export function changedCount(changes: OpMap): number {
    return Object.entries(changes).reduce((n, [op, count]) => (op === "same" ? n : n + (count ?? 0)), 0);
}

function describeChanges(changes: OpMap): string {
    const parts = Object.entries(changes)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([op, n]) => `${n} ${op}`);
    return parts.length ? parts.join(", ") : "no resources";
}

/**
 * A self-managed backend needs a passphrase for secrets. When none is given, one is generated once
 * per backend and kept outside the repo (0600), so local runs need no setup.
 */
function passphraseEnv(backendUrl: string): Record<string, string> {
    if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined || process.env.PULUMI_CONFIG_PASSPHRASE_FILE) return {};
    if (!backendUrl.startsWith("file://")) return {};
    const dir = path.join(os.homedir(), ".config", "ticketbuster");
    const name = backendUrl.replace(/[^A-Za-z0-9]+/g, "_").slice(-120);
    const file = path.join(dir, `passphrase${name}`);
    if (!fs.existsSync(file)) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    }
    return { PULUMI_CONFIG_PASSPHRASE_FILE: file };
}

/**
 * Generates the chosen app's random secrets (passwords, JWT keys) and the add-ons' (Grafana's admin
 * password when monitoring is on) on first run; later runs keep
 * them, so they cause no diff. Secrets that cannot be random (a Stripe key) are left to the program's
 * config validation, which says how to set them.
 */
async function ensureSecrets(stack: Stack, log: (s: string) => void): Promise<void> {
    const raw = await rawConfig(stack);
    const role = roleOf(raw);
    // A platform stack deploys no app; an app stack's add-ons (and Grafana's password) are its platform stack's.
    const app = role === "platform" ? undefined : APPS[raw.app ?? DEFAULT_APP];
    if (role !== "platform" && !app) return; // an unknown app: the program's config validation names it
    const addons = role === "app" ? undefined : addonsOfRawConfig(raw.target, raw.addons);
    const keys = [...(app ? secretKeysOf(app) : []), ...(addons ? addonSecretKeys(addons) : [])];
    for (const { key } of keys.filter((k) => k.generate)) {
        if (raw[key] !== undefined) continue;
        await stack.setConfig(`${PROJECT}:${key}`, { value: randomBytes(24).toString("base64url"), secret: true });
        log(`generated secret ${PROJECT}:${key} (stored encrypted in the stack config)\n`);
    }
}

/** The stack's config in the project namespace, keys without it (secrets included, as the CLI decrypts them). */
async function rawConfig(stack: Stack): Promise<Record<string, string>> {
    const config = await stack.getAllConfig();
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v.value]));
}

/** A stack that app stacks still deploy onto is not destroyed under them, unless forced. */
async function refuseDestroyUnderApps(stack: Stack, log: (s: string) => void): Promise<void> {
    const apps = await referencingStacks(stack, PROJECT);
    if (apps.length === 0) return;
    const list = apps.map((a) => `${a.stack} (${a.resources} resources)`).join(", ");
    const first = apps[0].stack;
    log(`app stacks that reference ${stack.name} as their platform: ${list}\n`);
    throw new UsageError(
        `Refusing to destroy ${stack.name}: app stacks still deploy onto it and would lose their cluster: ${list}. ` +
            `Destroy them first (npm run deploy -- --stack ${first} --destroy), or pass --force to destroy it anyway.`,
    );
}

/**
 * An engine killed mid-operation leaves "pending operations" in the state. The documented recovery
 * is a refresh that clears pending creates; objects that were created anyway are adopted again by
 * the next `up` (server-side apply).
 */
async function recoverInterruptedUpdate(stack: Stack, log: (s: string) => void, onOutput: (s: string) => void): Promise<void> {
    const state = await stack.exportStack();
    const pending = (state.deployment as { pending_operations?: { resource: { urn: string }; type: string }[] }).pending_operations ?? [];
    if (pending.length === 0) return;
    log(`the last operation was interrupted; ${pending.length} pending operation(s):\n`);
    for (const op of pending) log(`  ${op.type} ${op.resource.urn}\n`);
    log("running `pulumi refresh --clear-pending-creates` before continuing\n");
    await stack.refresh({ clearPendingCreates: true, onOutput });
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * A killed engine also leaves its lock behind. A lock whose process is gone from this host is stale:
 * clear it the documented way (`pulumi cancel`) and go on. A live or remote lock is left alone.
 */
async function clearStaleLock(stack: Stack, message: string, log: (s: string) => void): Promise<boolean> {
    if (!message.includes("the stack is currently locked")) return false;
    const holders = [...message.matchAll(/created by [^@\s]+@(\S+) \(pid (\d+)\)/g)].map((m) => ({ host: m[1], pid: Number(m[2]) }));
    const stale = holders.length > 0 && holders.every((h) => h.host === os.hostname() && !isAlive(h.pid));
    if (!stale) return false;
    log(`clearing a stale lock left by a process that no longer runs (pid ${holders.map((h) => h.pid).join(", ")})\n`);
    await stack.cancel();
    return true;
}

/**
 * Runs one action on a stack. Setup and config problems found before the engine starts (no CLI,
 * a local stack's kube context missing from the kubeconfig) throw a UsageError with the fix.
 */
export async function runStack(opts: DriverOptions): Promise<DriverResult> {
    const pulumiCommand = await pulumiCli(opts.installCli ?? false);
    const workDir = opts.workDir ?? REPO_ROOT;
    const backendUrl = opts.backendUrl ?? process.env.PULUMI_BACKEND_URL ?? `file://${path.join(workDir, ".pulumi-state")}`;
    if (backendUrl.startsWith("file://")) fs.mkdirSync(backendUrl.slice("file://".length), { recursive: true });
    const onOutput = opts.onOutput ?? ((s: string) => process.stdout.write(s));
    const log = (s: string) => onOutput(`[deploy] ${s}`);

    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        ...passphraseEnv(backendUrl),
        ...opts.env,
    };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: opts.stack, workDir }, { envVars, pulumiCommand });
    await checkKubeContext(stack, PROJECT, workDir, { ...process.env, ...opts.env });

    try {
        return await perform(stack, opts, onOutput, log);
    } catch (err) {
        if (await clearStaleLock(stack, (err as Error).message ?? "", log)) return perform(stack, opts, onOutput, log);
        throw err;
    }
}

async function perform(stack: Stack, opts: DriverOptions, onOutput: (s: string) => void, log: (s: string) => void): Promise<DriverResult> {
    const started = Date.now();
    const common = { onOutput, onEvent: opts.onEvent, signal: opts.signal };
    const policy = opts.policyPack && {
        policyPacks: [path.resolve(opts.policyPack.dir)],
        policyPackConfigs: opts.policyPack.config ? [path.resolve(opts.policyPack.config)] : undefined,
    };
    let changes: OpMap = {};
    let outputs: OutputMap = {};
    switch (opts.action) {
        case "up": {
            await ensureSecrets(stack, log);
            await recoverInterruptedUpdate(stack, log, onOutput);
            const res = await stack.up({ ...common, ...policy });
            changes = res.summary.resourceChanges ?? {};
            outputs = res.outputs;
            break;
        }
        case "preview": {
            await ensureSecrets(stack, log);
            changes = (await stack.preview({ ...common, ...policy, diff: true })).changeSummary;
            outputs = await stack.outputs();
            break;
        }
        case "refresh":
            changes = (await stack.refresh(common)).summary.resourceChanges ?? {};
            outputs = await stack.outputs();
            break;
        case "destroy":
            if (!opts.force) await refuseDestroyUnderApps(stack, log);
            await refuseDestroyOfProtectedData(stack);
            changes = (await stack.destroy(common)).summary.resourceChanges ?? {};
            break;
    }
    const seconds = (Date.now() - started) / 1000;
    return {
        action: opts.action,
        stack: opts.stack,
        changes,
        outputs,
        seconds,
        summary: `${opts.action} ${opts.stack}: ${describeChanges(changes)} (${seconds.toFixed(1)}s)`,
    };
}

/**
 * An existing stack as `runStack` would open it (same backend default, passphrase and CLI), for the
 * commands that read a deployed stack (npm run backup / restore); never creates one.
 */
export async function selectStack(opts: { stack: string; workDir?: string; backendUrl?: string; installCli?: boolean }): Promise<Stack> {
    const pulumiCommand = await pulumiCli(opts.installCli ?? false);
    const workDir = opts.workDir ?? REPO_ROOT;
    const backendUrl = opts.backendUrl ?? process.env.PULUMI_BACKEND_URL ?? `file://${path.join(workDir, ".pulumi-state")}`;
    const envVars = { PULUMI_BACKEND_URL: backendUrl, PULUMI_SKIP_UPDATE_CHECK: "true", ...passphraseEnv(backendUrl) };
    try {
        return await LocalWorkspace.selectStack({ stackName: opts.stack, workDir }, { envVars, pulumiCommand });
    } catch (err) {
        if (/no stack named|not found/i.test((err as Error).message ?? "")) {
            throw new UsageError(`There is no stack ${opts.stack} in ${backendUrl}; deploy it first (npm run deploy -- --stack ${opts.stack}).`);
        }
        throw err;
    }
}
