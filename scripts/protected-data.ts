import type { Stack } from "@pulumi/pulumi/automation";
import { UsageError } from "./preflight";

interface StateResource {
    urn: string;
    type: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    outputs?: { metadata?: { name?: string; namespace?: string }; bucket?: string; name?: string };
}

/** A protected resource, as a person reads it: kind and name (a claim, a bucket...). */
function describe(r: StateResource): string {
    const kind = r.type.split(":").pop();
    const m = r.outputs?.metadata;
    const name = m?.name ? `${m.namespace ? `${m.namespace}/` : ""}${m.name}` : (r.outputs?.bucket ?? r.outputs?.name ?? r.urn.split("::").pop());
    return `${kind} ${name}`;
}

/**
 * The refusal of a destroy that would meet protected data (protectData: the stores' volumes, the backups
 * bucket and its key or the backups volume): which, and the two ways on. Undefined when nothing is protected.
 */
export function protectedDataRefusal(stackName: string, resources: StateResource[]): string | undefined {
    const kept = resources.filter((r) => r.protect);
    if (kept.length === 0) return undefined;
    return (
        `Refusing to destroy ${stackName}: it holds protected data (protectData): ${kept.map(describe).join(", ")}. Nothing was deleted. Either\n` +
        `  - keep the data and remove the rest: pulumi state unprotect --all --yes --stack ${stackName}, then npm run deploy -- --stack ${stackName} --destroy ` +
        `(the protected resources are retainOnDelete: they, and the app's namespace, stay in the cluster and the cloud; ` +
        `npm run deploy -- --stack ${stackName} --adopt takes the claims back later, see README "Keeping data"), or\n` +
        `  - delete the data too: pulumi config set protectData false --stack ${stackName}, npm run deploy -- --stack ${stackName}, then npm run deploy -- --stack ${stackName} --destroy.`
    );
}

/** Reads the stack's state and refuses (exit 2) a destroy that would meet protected data. */
export async function refuseDestroyOfProtectedData(stack: Stack): Promise<void> {
    const state = await stack.exportStack();
    const refusal = protectedDataRefusal(stack.name, (state.deployment as { resources?: StateResource[] }).resources ?? []);
    if (refusal) throw new UsageError(refusal);
}
