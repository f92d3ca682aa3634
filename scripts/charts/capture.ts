/**
 * The charts the program installs, with the exact inputs it gives them, and the objects it creates
 * itself: the real program evaluated under Pulumi mocks (scripts/render/manifests.ts), one stack at a
 * time, with every add-on the target can take turned on. Every `kubernetes:helm.sh/v4:Chart`
 * registration counts, wherever in the program it is made.
 */
import { ADDON_DEFAULTS, resolveAddons } from "../../config/addons";
import type { Target } from "../../config/schema";
import { plain, stackConfig } from "../../test/harness";
import { renderObjects, StackName } from "../render/manifests";
import type { K8sObject } from "./references";

export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

export interface ChartRegistration {
    stack: StackName;
    /** The Pulumi resource name. */
    resource: string;
    chart: string;
    version: string;
    repo?: string;
    /** Helm release name: the `name` input, else the resource name (as helm.v4.Chart does). */
    release: string;
    namespace: string;
    values: Record<string, unknown>;
    includeCrds: boolean;
}

export const targetOf = (stack: string) => (stackConfig(stack)["ticketbuster:target"] ?? "local") as Target;

/** Every add-on flag the target accepts, on (those it refuses, e.g. metrics-server on GKE, stay off). */
export function everyAddonOn(target: Target): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const key of Object.keys(ADDON_DEFAULTS[target]) as Array<keyof (typeof ADDON_DEFAULTS)[Target]>) {
        out[key] = resolveAddons(target, { [key]: true }).problems.length === 0;
    }
    return out;
}

/** The chart registrations among a run's resources (inputs with secrets unwrapped). */
export function chartRegistrations(stack: StackName, resources: Array<{ type: string; name: string; inputs: Record<string, unknown> }>): ChartRegistration[] {
    return resources
        .filter((r) => r.type === CHART_TYPE)
        .map((r) => {
            const i = plain<Record<string, any>>(r.inputs);
            if (i.valueYamlFiles !== undefined) throw new Error(`${r.name}: valueYamlFiles are not read by the chart check; pass values`);
            return {
                stack,
                resource: r.name,
                chart: String(i.chart),
                version: String(i.version),
                repo: i.repositoryOpts?.repo,
                release: i.name ?? r.name,
                namespace: i.namespace ?? "default",
                values: i.values ?? {},
                includeCrds: i.skipCrds !== true,
            };
        });
}

/** One stack's chart registrations and the program's own Kubernetes objects, every add-on on. */
export async function captureStack(stack: StackName): Promise<{ addons: Record<string, boolean>; charts: ChartRegistration[]; created: K8sObject[] }> {
    const addons = everyAddonOn(targetOf(stack));
    const { objects, resources } = await renderObjects({ stack, config: { addons: JSON.stringify(addons) } });
    return { addons, charts: chartRegistrations(stack, resources), created: objects as K8sObject[] };
}
