// @pulumi/gcp is imported by service (here and in the other stacks/gke files): its root module loads
// every service's index, ~90 ms of each `pulumi up` on 2 cores, for the five services used here.
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../../config/gke";

/** What every GCP resource of a stack shares: names, labels, the GCP provider (project and region). */
export interface GcpContext {
    project: string;
    stack: string;
    labels: Record<string, string>;
    onGcp: pulumi.CustomResourceOptions;
}

/** What every part of the GKE target shares: the GCP context and the target's config. */
export interface GkeContext extends GcpContext {
    c: GkeConfig;
}

/** Project, region and labels for every GCP resource come from this one provider. */
export function gcpContext(gcpProject: string, region: string): GcpContext {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const labels = { project: labelValue(project), stack: labelValue(stack) };
    const gcpProvider = new GcpProvider("gcp", { project: gcpProject, region, defaultLabels: labels });
    return { project, stack, labels, onGcp: { provider: gcpProvider } };
}

export function gkeContext(c: GkeConfig): GkeContext {
    return { c, ...gcpContext(c.project, c.region) };
}

/** GCP label values: lowercase letters, digits, '_' and '-', at most 63 characters. */
function labelValue(s: string): string {
    return s.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
}
