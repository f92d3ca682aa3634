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
import { baseSchema } from "../../config/schema";
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

/** Reads what the release is about and refuses, before any change, what the program would refuse. */
export async function inspectRelease(stack: Stack, tierName: string, tag: string, workDir: string): Promise<ReleaseTarget> {
    const config = await stack.getAllConfig();
    const value = (k: string) => config[key(k)]?.value;
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

    const target = value("target") ?? "local";
    const monitoring = addonsOfRawConfig(target, value("addons"))?.monitoring ?? false;
    const namespace = value("namespace") ?? app.name;
    let kube: ReleaseTarget["kube"];
    if (target === "local") {
        const kubeconfig = value("kubeconfig");
        const context = value("kubeContext") ?? baseSchema.shape.kubeContext.parse(undefined);
        if (kubeconfig?.includes("\n")) {
            const written = kubeconfigFile(kubeconfig);
            kube = { kubeconfig: written.file, context, cleanup: written.cleanup };
        } else {
            // A relative path means the same as to the program, which runs in the project directory.
            const file = kubeconfig && !path.isAbsolute(kubeconfig) && !kubeconfig.startsWith("~") ? path.join(workDir, kubeconfig) : kubeconfig;
            kube = { kubeconfig: file, context, cleanup: () => undefined };
        }
    } else {
        const output = (await stack.outputs()).kubeconfig?.value;
        if (output === undefined) throw new UsageError(`stack ${stack.name} has no kubeconfig output yet: deploy it first (npm run deploy -- --stack ${stack.name})`);
        const written = kubeconfigFile(typeof output === "string" ? output : JSON.stringify(output));
        kube = { kubeconfig: written.file, cleanup: written.cleanup };
    }
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
