import type { ResourceValidationPolicy } from "@pulumi/policy";

export const gkeWorkloadIdentityShieldedNodes: ResourceValidationPolicy = {
    name: "gke-workload-identity-shielded-nodes",
    description:
        "GKE clusters enable Workload Identity and Shielded Nodes; node pools run the GKE metadata server with Secure Boot and integrity monitoring.",
    validateResource: (args, reportViolation) => {
        const props = args.props as Record<string, any>;
        if (args.type === "gcp:container/cluster:Cluster") {
            if (!props.workloadIdentityConfig?.workloadPool) reportViolation(`Cluster ${args.name}: Workload Identity is off (no workloadIdentityConfig.workloadPool).`);
            if (props.enableShieldedNodes !== true) reportViolation(`Cluster ${args.name}: enableShieldedNodes is not true.`);
            return;
        }
        if (args.type !== "gcp:container/nodePool:NodePool") return;
        const node = props.nodeConfig ?? {};
        if (node.workloadMetadataConfig?.mode !== "GKE_METADATA") {
            reportViolation(`NodePool ${args.name}: workloadMetadataConfig.mode is ${node.workloadMetadataConfig?.mode ?? "unset"}, not GKE_METADATA (pods could read the node's credentials).`);
        }
        if (node.shieldedInstanceConfig?.enableSecureBoot !== true) reportViolation(`NodePool ${args.name}: Secure Boot is off.`);
        if (node.shieldedInstanceConfig?.enableIntegrityMonitoring === false) reportViolation(`NodePool ${args.name}: integrity monitoring is off.`);
    },
};
