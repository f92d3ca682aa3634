import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { APPS } from "../../apps";
import type { AppSpec, StoreTier } from "../../apps/types";
import { storeByName } from "../../apps/wiring";
import { BACKUP_NAME, backupOf, whereOf } from "../../components/backup-scripts";
import type { BackupsOutput } from "../../components/backups";
import { UsageError } from "../preflight";
import type { KubeAccess } from "./kubectl";

/** What the backup and restore commands need of a deployed stack: its backups, its app and its cluster. */
export interface StackBackups {
    stack: string;
    app: AppSpec;
    backups: BackupsOutput & { target: BackupsOutput["target"] & ({ kind: "pvc" } | { bucket: string }) };
    kube: KubeAccess;
}

const PROJECT = "ticketbuster";

type Outputs = Record<string, { value: unknown; secret: boolean } | undefined>;

/** The cluster of a stack: its own `platform` output, or that of the platform stack it references. */
async function kubeAccess(stack: Stack, outputs: Outputs): Promise<KubeAccess> {
    const own = (outputs.platform?.value as { kubernetes?: KubeAccess } | undefined)?.kubernetes;
    if (own) return own;
    const reference = (await stack.getAllConfig())[`${PROJECT}:platform`]?.value;
    if (!reference) return {};
    let theirs: OutputMap;
    try {
        theirs = await stack.workspace.stackOutputs(reference);
    } catch {
        theirs = await stack.workspace.stackOutputs(reference.split("/").pop()!);
    }
    const kubernetes = (theirs.platform?.value as { kubernetes?: KubeAccess } | undefined)?.kubernetes;
    if (!kubernetes) throw new UsageError(`The platform stack ${reference} of ${stack.name} exports no cluster (its platform output): run npm run deploy -- --stack ${reference.split("/").pop()} first.`);
    return kubernetes;
}

/** The stacks of the workspace's backend that have backups (for the message when this one has none). */
async function stacksWithBackups(stack: Stack): Promise<string[]> {
    const names: string[] = [];
    for (const s of await stack.workspace.listStacks()) {
        if (!s.resourceCount) continue;
        const outputs = await stack.workspace.stackOutputs(s.name).catch(() => ({}) as OutputMap);
        if (outputs.backups?.value) names.push(s.name);
    }
    return names;
}

/** Reads a deployed stack's backups; a stack without them is a usage error that names those with them. */
export async function stackBackups(stack: Stack): Promise<StackBackups> {
    const outputs = (await stack.outputs()) as Outputs;
    const backups = outputs.backups?.value as StackBackups["backups"] | undefined;
    if (!backups) {
        const others = await stacksWithBackups(stack);
        throw new UsageError(
            `Stack ${stack.name} has no backups: they are made by a stack that deploys an app (all-in-one or app stack) with backup.enabled true, once \`npm run deploy\` has run. ` +
                `Stacks with backups here: ${others.length ? others.join(", ") : "none"}.`,
        );
    }
    const app = APPS[String(outputs.app?.value)];
    if (!app) throw new UsageError(`Stack ${stack.name} deploys app ${String(outputs.app?.value)}, which this program's catalog does not have.`);
    return { stack: stack.name, app, backups, kube: await kubeAccess(stack, outputs) };
}

/** The stores a command acts on: the one named (which must have backups), or all of them. */
export function chooseStores(s: Pick<StackBackups, "stack" | "app" | "backups">, store: string | undefined): StoreTier<string>[] {
    const names = Object.keys(s.backups.stores);
    if (store === undefined) return names.map((n) => storeByName(s.app, n));
    if (!names.includes(store)) {
        const others = s.app.tiers.filter((t) => t.kind !== "stateless" && !names.includes(t.name)).map((t) => t.name);
        throw new UsageError(
            `Stack ${s.stack} (${s.app.name}) backs up no store named "${store}"; stores with backups: ${names.join(", ")}` +
                (others.length ? ` (not backed up: ${others.join(", ")})` : "") +
                ".",
        );
    }
    return [storeByName(s.app, store)];
}

/** `latest` or a backup's name (its UTC time, as the upload named it). */
export function checkBackupName(backup: string): string {
    if (backup !== "latest" && !BACKUP_NAME.test(backup)) {
        throw new UsageError(`--backup ${backup}: allowed: latest, or a backup's name (its UTC time, e.g. 20260101T020000Z)`);
    }
    return backup;
}

/** A Job name from a stem and the current UTC time (DNS label, at most 63 characters). */
export function jobName(stem: string, now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.[0-9]+Z$/, "z").toLowerCase();
    return `${stem.slice(0, 63 - stamp.length - 1)}-${stamp}`;
}

/** What a restore of one store overwrites, from where; and the refusal without --yes. */
export function describeRestore(s: Pick<StackBackups, "stack" | "backups">, tier: StoreTier<string>, backup: string) {
    const { namespace, target } = s.backups;
    const what = `${backupOf(tier.kind).overwrites} of ${tier.name} (${tier.kind}) in namespace ${namespace} of stack ${s.stack}`;
    const from = `backup ${backup} from ${whereOf(target, namespace, tier.name)}`;
    return { what, from, refusal: `Refusing to restore without --yes. This would overwrite ${what}, with ${from}. Rerun with --yes to do it.` };
}
