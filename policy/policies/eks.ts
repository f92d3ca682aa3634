import type { ResourceValidationPolicy } from "@pulumi/policy";

/**
 * EKS nodes: a managed node group always runs from a launch template (without one, EKS's default
 * template allows IMDSv1), and launch templates require IMDSv2 and encrypt every EBS volume.
 */
export const eksNodes: ResourceValidationPolicy = {
    name: "eks-nodes-imdsv2-encrypted",
    description: "EKS managed node groups use a launch template; launch templates require IMDSv2 (hop limit 1) and encrypt every EBS volume.",
    validateResource: (args, reportViolation) => {
        const props = args.props as Record<string, any>;
        if (args.type === "aws:eks/nodeGroup:NodeGroup") {
            if (!props.launchTemplate) reportViolation(`NodeGroup ${args.name}: no launch template, so IMDSv2 and volume encryption are not enforced.`);
            return;
        }
        if (args.type !== "aws:ec2/launchTemplate:LaunchTemplate") return;
        const md = props.metadataOptions ?? {};
        if (md.httpTokens !== "required") reportViolation(`LaunchTemplate ${args.name}: metadataOptions.httpTokens is ${md.httpTokens ?? "unset"}, not "required" (IMDSv2).`);
        if (md.httpPutResponseHopLimit !== undefined && md.httpPutResponseHopLimit > 1) {
            reportViolation(`LaunchTemplate ${args.name}: httpPutResponseHopLimit ${md.httpPutResponseHopLimit} lets pods reach the node's credentials.`);
        }
        const mappings = (props.blockDeviceMappings ?? []) as { deviceName?: string; ebs?: { encrypted?: string | boolean } }[];
        if (mappings.length === 0) reportViolation(`LaunchTemplate ${args.name}: no block device mapping, so the root volume's encryption is left to the account default.`);
        for (const m of mappings) {
            if (m.ebs && String(m.ebs.encrypted) !== "true") reportViolation(`LaunchTemplate ${args.name}: volume ${m.deviceName} is not encrypted.`);
        }
    },
};
