import * as container from "@pulumi/gcp/container";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import type { GkeContext } from "./context";

/** What GKE nodes need (logs, metrics, image pulls) and nothing more; replaces the Compute Engine default account. */
export const NODE_ROLES = [
    "logging.logWriter",
    "monitoring.metricWriter",
    "monitoring.viewer",
    "stackdriver.resourceMetadata.writer",
    "artifactregistry.reader",
];

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** The autoscaled node pool running as its own least-privilege service account. */
export function nodes(x: GkeContext, cluster: container.Cluster): container.NodePool {
    const { c, project, stack, labels, onGcp } = x;
    const nodeAccount = new serviceaccount.Account(
        `${project}-nodes`,
        {
            accountId: nodeAccountId(stack),
            displayName: `GKE nodes of ${project}/${stack}`,
            description: "Least-privilege node identity (logs, metrics, image pulls); pods use Workload Identity",
        },
        onGcp,
    );
    const nodeRoles = NODE_ROLES.map(
        (role) =>
            new projects.IAMMember(
                `${project}-nodes-${role}`,
                { project: c.project, role: `roles/${role}`, member: pulumi.interpolate`serviceAccount:${nodeAccount.email}` },
                onGcp,
            ),
    );

    return new container.NodePool(
        `${project}-nodes`,
        {
            cluster: cluster.id,
            location: c.location,
            initialNodeCount: c.nodeCount,
            autoscaling: { minNodeCount: c.minNodes, maxNodeCount: c.maxNodes },
            management: { autoRepair: true, autoUpgrade: true },
            // One extra node during upgrades, never one fewer.
            upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
            nodeConfig: {
                machineType: c.machineType,
                imageType: "COS_CONTAINERD",
                diskType: "pd-balanced",
                serviceAccount: nodeAccount.email,
                // Access is governed by the account's IAM roles; the scope only stops narrowing it.
                oauthScopes: [CLOUD_PLATFORM_SCOPE],
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                // Pods see the GKE metadata server (Workload Identity), never the node's credentials.
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                // The provider's default labels do not reach the VM instances.
                resourceLabels: labels,
            },
        },
        // The autoscaler owns the size once the pool exists; a new nodeCount must not recreate the pool.
        { ...onGcp, dependsOn: nodeRoles, ignoreChanges: ["initialNodeCount"] },
    );
}

/** A service account id (6-30 characters, [a-z][a-z0-9-]*[a-z0-9]) unique per stack: tb-<stack>-nodes. */
export function nodeAccountId(stack: string): string {
    const slug = stack.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 21).replace(/-+$/, "");
    return `tb-${slug || "stack"}-nodes`;
}
