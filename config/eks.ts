import { z } from "zod";
import { cidr, networkCidr, networkRange, oneOf, positiveInt, rangeInside as inside, rangesOverlap as overlap, strictSection } from "./rules";

/** What AWS accepts for a VPC or a subnet: a network address with a /16../28 mask. */
const awsCidr = (example: string) => networkCidr(example, 16, 28, " (AWS limits)");

const NAT_STRATEGIES = ["Single", "OnePerAz"] as const;
const AZ_COUNT = "allowed: an integer from 2 to 6 (EKS needs subnets in at least 2 AZs)";

const SHAPE = {
    region: z
        .string()
        // The China partition needs other service principals; it is not supported.
        .regex(/^(?!cn-)[a-z]{2}(-gov)?-[a-z]+-[0-9]{1,2}$/, {
            error: "allowed: an AWS region code such as us-east-1 or eu-west-3 (not a China region)",
        })
        .default("us-east-1"),
    vpcCidr: awsCidr("10.0.0.0/16").default("10.0.0.0/16"),
    azCount: z.number({ error: AZ_COUNT }).int({ error: AZ_COUNT }).min(2, { error: AZ_COUNT }).max(6, { error: AZ_COUNT }).default(2),
    /** One block per AZ, in AZ order. Load balancers live here. */
    publicSubnetCidrs: z.array(awsCidr("10.0.0.0/24"), { error: "allowed: a list of CIDRs" }).default(["10.0.0.0/24", "10.0.1.0/24"]),
    /** One block per AZ, in AZ order. The worker nodes live here only. */
    privateSubnetCidrs: z.array(awsCidr("10.0.2.0/24"), { error: "allowed: a list of CIDRs" }).default(["10.0.2.0/24", "10.0.3.0/24"]),
    natGateways: oneOf(NAT_STRATEGIES).default("Single"),
    kubernetesVersion: z
        .string()
        .regex(/^1\.[0-9]{2}$/, { error: "allowed: an EKS Kubernetes minor version as a string, e.g. \"1.34\"" })
        .default("1.34"),
    instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "allowed: an EC2 instance type such as t3.medium" })
        .default("t3.medium"),
    desiredNodes: positiveInt.default(3),
    minNodes: positiveInt.default(2),
    maxNodes: positiveInt.default(5),
    /** Who may reach the public API endpoint (the private endpoint is always on). */
    publicAccessCidrs: z
        .array(cidr, { error: "allowed: a list of CIDRs" })
        .min(1, { error: "allowed: at least one CIDR (the public endpoint is on)" })
        .default(["0.0.0.0/0"]),
    /** IAM users/roles given cluster-admin through EKS access entries (the deployer always is). */
    clusterAdmins: z
        .array(
            z.string().regex(/^arn:aws(-us-gov)?:iam::[0-9]{12}:(role|user)\/[\w+=,.@/-]+$/, {
                error: "allowed: an IAM role or user ARN, e.g. arn:aws:iam::123456789012:role/platform-admin",
            }),
            { error: "allowed: a list of IAM ARNs" },
        )
        .default([]),
    /** ECR lifecycle: older images beyond this count are expired. */
    ecrKeepImages: positiveInt.default(10),
    /** Let `pulumi destroy` delete repositories that still hold images. */
    forceDeleteRepositories: z.boolean({ error: "allowed: true, false" }).default(false),
};

const eksObject = strictSection(SHAPE);

/**
 * Cross-field rules; each issue points at the key to fix. Messages repeat the value because a
 * defaulted key is absent from the raw config the loader quotes.
 */
function consistent(c: z.infer<typeof eksObject>, ctx: z.RefinementCtx): void {
    if (c.minNodes > c.maxNodes) {
        ctx.addIssue({
            code: "custom",
            path: ["minNodes"],
            message: `allowed: at most maxNodes (${c.maxNodes}); minNodes is ${c.minNodes}`,
        });
    } else if (c.desiredNodes < c.minNodes || c.desiredNodes > c.maxNodes) {
        ctx.addIssue({
            code: "custom",
            path: ["desiredNodes"],
            message: `allowed: ${c.minNodes}..${c.maxNodes} (minNodes..maxNodes); desiredNodes is ${c.desiredNodes}`,
        });
    }

    const vpc = networkRange(c.vpcCidr);
    const seen: { key: string; range: [number, number] }[] = [];
    for (const key of ["publicSubnetCidrs", "privateSubnetCidrs"] as const) {
        const blocks = c[key];
        if (blocks.length !== c.azCount) {
            ctx.addIssue({
                code: "custom",
                path: [key],
                message: `allowed: exactly azCount (${c.azCount}) CIDRs, one per availability zone; it has ${blocks.length}`,
            });
        }
        blocks.forEach((block, i) => {
            const range = networkRange(block);
            if (!range || !vpc) return; // already reported as malformed
            if (!inside(range, vpc)) {
                ctx.addIssue({ code: "custom", path: [key, i], message: `allowed: a block inside vpcCidr ${c.vpcCidr}; ${block} is not` });
            }
            const clash = seen.find((s) => overlap(s.range, range));
            if (clash) {
                const message = `allowed: non-overlapping blocks; ${block} overlaps ${clash.key}`;
                ctx.addIssue({ code: "custom", path: [key, i], message });
            }
            seen.push({ key: `${key}[${i}] ${block}`, range });
        });
    }
}

/** `ticketbuster:eks` (set with `pulumi config set --path eks.<key> <value>`); every key has a default. */
export const eksSchema = eksObject.superRefine(consistent);
export type EksConfig = z.infer<typeof eksSchema>;
