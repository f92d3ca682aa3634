import type { Stack } from "@pulumi/pulumi/automation";

export interface ReferencingStack {
    stack: string;
    resources: number;
}

/** `org/project/stack`, `project/stack` or `stack`: the project and stack it names (project defaulted). */
function referenced(name: string, project: string): { project: string; stack: string } {
    const parts = name.split("/");
    return { project: parts.length >= 2 ? parts[parts.length - 2] : project, stack: parts[parts.length - 1] };
}

/**
 * The stacks of the same backend and project that still hold resources and whose state has a
 * StackReference to `platform`: the app stacks deployed onto it. Read from their states (what the
 * engine recorded), not from local stack files, which another machine may not have.
 */
export async function referencingStacks(platform: Stack, project: string): Promise<ReferencingStack[]> {
    const ws = platform.workspace;
    const self = referenced(platform.name, project).stack;
    const found: ReferencingStack[] = [];
    for (const summary of await ws.listStacks()) {
        const other = referenced(summary.name, project).stack;
        if (other === self || !summary.resourceCount) continue;
        const state = (await ws.exportStack(summary.name)).deployment as { resources?: { type: string; inputs?: { name?: string } }[] };
        const references = (state.resources ?? []).filter((r) => r.type === "pulumi:pulumi:StackReference" && r.inputs?.name);
        const refersHere = references.some((r) => {
            const target = referenced(r.inputs!.name!, project);
            return target.project === project && target.stack === self;
        });
        if (refersHere) found.push({ stack: other, resources: summary.resourceCount });
    }
    return found;
}
