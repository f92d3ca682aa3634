/**
 * Renders every Kubernetes object the program would create for a stack (and app) as YAML, one file
 * per object, by evaluating the real program under Pulumi mocks (test/harness): no cluster, no cloud
 * credentials. `npm run render`, the e2e tests and `npm run lint:k8s` all go through renderManifests.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { APP_NAMES } from "../../apps";
import { isKubernetes, plain, Registered, runProgram, stackConfig, TEST_SECRETS } from "../../test/harness";
import { cloudPlaceholders, cloudStateFor } from "./placeholders";

import { platformsFor } from "../../test/cloud-mocks";

/** The all-in-one stacks of the repository, each rendered with every app of the catalog. */
export const STACKS = ["dev", "eks", "gke"] as const;
export type StackName = (typeof STACKS)[number];

/** The platform and app stacks of examples/, each rendered as its file says (its own app, or none). */
export function exampleStacks(): string[] {
    const dir = path.join(__dirname, "..", "..", "examples");
    return fs
        .readdirSync(dir)
        .flatMap((d) => fs.readdirSync(path.join(dir, d)))
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** The apps the program can deploy (the `app` config key), from the catalog. */
export function appNames(): string[] {
    return [...APP_NAMES];
}

export interface RenderOptions {
    /** One of STACKS, or a stack of examples/. */
    stack: string;
    /** Passed as config `app` only when given. */
    app?: string;
    outDir: string;
    /** Extra non-secret config keys (without namespace). */
    config?: Record<string, string>;
    /** Extra secrets besides the harness's test values (e.g. a test cloudflareTunnelToken, which turns the tunnel on). */
    secrets?: Record<string, string>;
}

export interface RenderedObject {
    file: string;
    object: Record<string, any>;
}

/** The Kubernetes objects the program registers for a stack, namespace first, with the resources they came from. */
export async function renderObjects(opts: Omit<RenderOptions, "outDir">): Promise<{ objects: Record<string, any>[]; resources: Registered[] }> {
    const config = { ...opts.config, ...(opts.app !== undefined ? { app: opts.app } : {}) };
    // Secrets are always the harness's test values: a rendered file never holds a real credential.
    const result = await runProgram({
        stack: opts.stack,
        config,
        secrets: { ...TEST_SECRETS, ...opts.secrets },
        state: cloudStateFor(opts.stack, config),
        platforms: await platformsFor(opts.stack, config),
    });
    if (result.error) throw result.error;
    const objects = result.resources.filter(isKubernetes).map((r) => plain<Record<string, any>>(r.inputs));
    objects.sort((a, b) => applyRank(a.kind) - applyRank(b.kind) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    return { objects, resources: result.resources };
}

/**
 * kubectl applies a directory in file-name order: namespace first, then what pods need, then workloads.
 * A fixed order (not registration order, which varies between runs) keeps GitOps diffs stable.
 */
const APPLY_ORDER = [
    "Namespace",
    "StorageClass",
    // Pods naming a PriorityClass that does not exist yet are refused.
    "PriorityClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "PersistentVolumeClaim",
    "NetworkPolicy",
    "Service",
    "PodDisruptionBudget",
    "StatefulSet",
    "Deployment",
    "Job",
    "HorizontalPodAutoscaler",
];
const applyRank = (kind: string) => (APPLY_ORDER.includes(kind) ? APPLY_ORDER.indexOf(kind) : APPLY_ORDER.length);

/** Writes one YAML file per object into outDir (created if missing) and returns them. */
export async function renderManifests(opts: RenderOptions): Promise<RenderedObject[]> {
    const { objects } = await renderObjects(opts);
    fs.mkdirSync(opts.outDir, { recursive: true });
    return objects.map((object, i) => {
        const file = path.join(opts.outDir, `${String(i).padStart(3, "0")}-${object.kind}-${object.metadata.name}.yaml`.toLowerCase());
        const body = stringify(object);
        fs.writeFileSync(file, header(opts, object, body) + body);
        return { file, object };
    });
}

function header(opts: RenderOptions, object: Record<string, any>, body: string): string {
    const target = stackConfig(opts.stack)["ticketbuster:target"] ?? "local";
    const lines = [
        `Rendered by \`npm run render\` from the Pulumi program: stack ${opts.stack} (target ${target}), app ${opts.app ?? "from the stack config"}.`,
        "Evaluated under Pulumi mocks, without a cluster or cloud credentials. Deploy with `pulumi up`; this file is for review, linters and GitOps diffs.",
    ];
    if (object.kind === "Secret") {
        lines.push("Secret values are the test passwords of test/harness.ts, never real credentials: the deployed Secret gets the stack's own secrets.");
    }
    const found = cloudPlaceholders(target).filter((p) => body.includes(p.value));
    if (found.length > 0) {
        lines.push("Placeholders for values the cloud computes at deploy time (they exist in no account):");
        for (const p of found) lines.push(`  ${p.value}: ${p.meaning}`);
    } else if (target !== "local") {
        lines.push(`No cloud-computed value appears in this object: it is what the ${target} stack deploys.`);
    }
    return lines.map((l) => `# ${l}`).join("\n") + "\n";
}
