// @pulumi/gcp is imported by service (here and in the other stacks/gke files): its root module loads
// every service's index, ~90 ms of each `pulumi up` on 2 cores, for the five services used here.
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../../config/gke";

/** What every part of the GKE target shares: names, labels, the GCP provider. */
export interface GkeContext {
    c: GkeConfig;
    project: string;
    stack: string;
    labels: Record<string, string>;
    onGcp: pulumi.CustomResourceOptions;
}

export function gkeContext(c: GkeConfig): GkeContext {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const labels = { project: labelValue(project), stack: labelValue(stack) };
    // Project, region and labels for every GCP resource come from this one provider.
    const gcpProvider = new GcpProvider("gcp", { project: c.project, region: c.region, defaultLabels: labels });
    return { c, project, stack, labels, onGcp: { provider: gcpProvider } };
}

/** An app stack's own GCP provider (its certificates and records), in the platform's project and region. */
export function gcpAppContext(gcpProject: string, region: string): pulumi.CustomResourceOptions {
    const labels = { project: labelValue(pulumi.getProject()), stack: labelValue(pulumi.getStack()) };
    return { provider: new GcpProvider("gcp", { project: gcpProject, region, defaultLabels: labels }) };
}

/** GCP label values: lowercase letters, digits, '_' and '-', at most 63 characters. */
function labelValue(s: string): string {
    return s.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
}
