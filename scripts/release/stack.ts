/**
 * The release driver's hold on a deployed stack, through the Automation API: what the release is
 * about (read from the stack's config and outputs, checked before anything changes) and the
 * ReleaseStack operations (config with `path: true`, `up` through scripts/driver.ts runStack).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APPS, DEFAULT_APP } from "../../apps";
import type { AppSpec, StatelessTier } from "../../apps/types";
import { isStateless } from "../../apps/wiring";
import { addonsOfRawConfig } from "../../config/addons";
import { releaseSchema, routedTierNames } from "../../config/releases";
import { platformOutputSchema } from "../../config/platform-output";
import { baseSchema, NO_APP } from "../../config/schema";
import { runStack, StackLocation } from "../driver";
import { UsageError } from "../preflight";
import type { ReleaseStack } from "./stepper";

const PROJECT = "ticketbuster";
const key = (k: string) => `${PROJECT}:${k}`;

export interface ReleaseTarget {
    app: AppSpec;
    tier: StatelessTier<string>;
    /** The app's routes reach it: the HTTPRoute splits its traffic (else: the replica ratio). */
    routed: boolean;
    /** The 5xx query to run on the canary: monitoring on and the tier declares metrics. */
    errorRatio?: string;
    currentTag: string;
    namespace: string;
    /** A release of this tier already in the stack config (an interrupted run). */
    existing?: { imageTag: string; weight: number };
    /** How kubectl reaches the cluster; cleanup() removes a kubeconfig written for it. */
    kube: { kubeconfig?: string; context?: string; cleanup(): void };
}

function parseJson(value: string | undefined): any {
    if (value === undefined) return undefined;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** A kubeconfig given as content (config key or a cloud stack's output) goes to a private temp file. */
function kubeconfigFile(content: string): { file: string; cleanup(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tb-release-"));
    const file = path.join(dir, "kubeconfig");
    fs.writeFileSync(file, content, { mode: 0o600 });
    return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

type ConfigValue = (k: string) => string | undefined;
type ClusterAccess = { kube: ReleaseTarget["kube"]; monitoring: boolean };

/** A kubeconfig setting: content (several lines) to a private temp file, else a path (relative: to the project). */
function kubeAccess(kubeconfig: string | undefined, context: string | undefined, workDir: string): ReleaseTarget["kube"] {
    if (kubeconfig?.includes("\n")) {
        const written = kubeconfigFile(kubeconfig);
        return { kubeconfig: written.file, context, cleanup: written.cleanup };
    }
    // A relative path means the same as to the program, which runs in the project directory.
    const file = kubeconfig && !path.isAbsolute(kubeconfig) && !kubeconfig.startsWith("~") ? path.join(workDir, kubeconfig) : kubeconfig;
    return { kubeconfig: file, context, cleanup: () => undefined };
}

/** An all-in-one stack: its own cluster (local: config; cloud: its kubeconfig output) and add-ons. */
async function ownCluster(value: ConfigValue, workDir: string, stack: Stack): Promise<ClusterAccess> {
    const target = value("target") ?? "local";
    const monitoring = addonsOfRawConfig(target, value("addons"))?.monitoring ?? false;
    if (target === "local") return { kube: kubeAccess(value("kubeconfig"), value("kubeContext") ?? baseSchema.shape.kubeContext.parse(undefined), workDir), monitoring };
    const output = (await stack.outputs()).kubeconfig?.value;
    if (output === undefined) throw new UsageError(`stack ${stack.name} has no kubeconfig output yet: deploy it first (npm run deploy -- --stack ${stack.name})`);
    const written = kubeconfigFile(typeof output === "string" ? output : JSON.stringify(output));
    return { kube: { kubeconfig: written.file, cleanup: written.cleanup }, monitoring };
}

/**
 * An app stack: the cluster is its platform stack's, read from that stack's `platform` output (as the
 * program reads it), and monitoring runs when the platform installed it and the app did not opt out.
 */
async function onPlatform(stack: Stack, platform: string, addonsJson: string | undefined, workDir: string): Promise<ClusterAccess> {
    let outputs: Record<string, { value: unknown }>;
    try {
        outputs = await stack.workspace.stackOutputs(platform);
    } catch (e) {
        throw new UsageError(`the platform stack ${platform} of ${stack.name} cannot be read (${(e as Error).message.split("\n")[0]}): deploy it first, on the same backend`);
    }
    const parsed = platformOutputSchema.safeParse(outputs.platform?.value);
    if (!parsed.success) throw new UsageError(`the platform stack ${platform} has no platform output this program can read: deploy it (npm run deploy -- --stack <it>) first`);
    const out = parsed.data;
    let requested: unknown;
    try {
        requested = (JSON.parse(addonsJson ?? "{}") as { monitoring?: unknown }).monitoring;
    } catch {
        requested = undefined;
    }
    // A kubeconfig path in the platform's output is relative to the same project directory.
    return { kube: kubeAccess(out.kubernetes.kubeconfig, out.kubernetes.context, workDir), monitoring: out.addons.monitoring && requested !== false };
}

/** Reads what the release is about and refuses, before any change, what the program would refuse. */
export async function inspectRelease(stack: Stack, tierName: string, tag: string, workDir: string): Promise<ReleaseTarget> {
    const config = await stack.getAllConfig();
    const value = (k: string) => config[key(k)]?.value;
    if (value("app") === NO_APP) {
        throw new UsageError(`stack ${stack.name} is a platform stack (app none): it deploys no app; release on an app stack that references it (platform: <org>/ticketbuster/${stack.name})`);
    }
    const app = APPS[value("app") ?? DEFAULT_APP];
    if (!app) throw new UsageError(`the stack's app ${JSON.stringify(value("app"))} is not in the catalog; npm run deploy says what is allowed`);
    const stateless = app.tiers.filter(isStateless);
    const tier = stateless.find((t) => t.name === tierName);
    if (!tier) {
        throw new UsageError(`--tier ${tierName}: ${app.name} has no stateless tier of that name; allowed: ${stateless.map((t) => t.name).join(", ")}`);
    }
    const tagCheck = releaseSchema.shape.imageTag.safeParse(tag);
    if (!tagCheck.success) throw new UsageError(`--tag ${tag}: ${tagCheck.error.issues[0].message}`);

    const imageTags = parseJson(value("imageTags")) ?? {};
    const currentTag = String(imageTags[tierName] ?? value("imageTag") ?? baseSchema.shape.imageTag.parse(undefined));
    if (tag === currentTag) throw new UsageError(`--tag ${tag}: ${tierName} already runs ${tag}`);

    const routing = value("routing") ?? "gateway";
    const routed = routedTierNames(app).includes(tierName);
    if (routed && routing === "ingress") {
        throw new UsageError(`--tier ${tierName}: the app's routes reach it and the stack has routing ingress, which cannot weigh traffic; pulumi config set routing gateway first`);
    }

    const release = parseJson(value("releases"))?.[tierName];
    const existing = release ? { imageTag: String(release.imageTag), weight: Number(release.weight ?? 0) } : undefined;
    if (existing && existing.imageTag !== tag) {
        throw new UsageError(
            `a release of ${tierName} to ${existing.imageTag} (weight ${existing.weight}%) is in the stack config; finish it, or remove it first: pulumi config rm --path releases.${tierName} && npm run deploy`,
        );
    }

    const namespace = value("namespace") ?? app.name;
    const platform = value("platform");
    const { kube, monitoring } = platform === undefined ? await ownCluster(value, workDir, stack) : await onPlatform(stack, platform, value("addons"), workDir);
    return { app, tier, routed, errorRatio: monitoring ? tier.metrics?.errorRatio : undefined, currentTag, namespace, existing, kube };
}

export interface AutomationReleaseOptions {
    location: StackLocation;
    tier: string;
    tag: string;
    onOutput: (s: string) => void;
}

/** ReleaseStack over the Automation API: config set with `path: true`, `up` as `npm run deploy` runs it. */
export function automationReleaseStack(stack: Stack, opts: AutomationReleaseOptions): ReleaseStack {
    const release = `releases.${opts.tier}`;
    const removeRelease = async () => {
        await stack.removeConfig(key(release), true);
        // An empty `releases: {}` left behind would be noise in the stack file.
        const rest = parseJson((await stack.getAllConfig())[key("releases")]?.value);
        if (rest !== undefined && Object.keys(rest).length === 0) await stack.removeConfig(key("releases"));
    };
    return {
        async setWeight(weight) {
            await stack.setConfig(key(`${release}.imageTag`), { value: opts.tag }, true);
            await stack.setConfig(key(`${release}.weight`), { value: String(weight) }, true);
        },
        removeRelease,
        async promote() {
            await stack.setConfig(key(`imageTags.${opts.tier}`), { value: opts.tag }, true);
            await removeRelease();
        },
        async up(signal) {
            const result = await runStack({ ...opts.location, action: "up", onOutput: opts.onOutput, signal });
            opts.onOutput(`${result.summary}\n`);
        },
    };
}
