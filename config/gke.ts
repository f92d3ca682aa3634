import { z } from "zod";
import { cidr, networkCidr, networkRange, oneOf, positiveInt, rangesOverlap as overlap, strictSection } from "./rules";

const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

/** us-central1-a -> us-central1; a region stays itself. */
export const regionOf = (location: string): string => (ZONE.test(location) ? location.slice(0, location.lastIndexOf("-")) : location);

/** A network address with a mask GCP accepts for a subnet range (/8 to /29). */
const gcpCidr = (example: string) => networkCidr(example, 8, 29, "");

const nonNegativeInt = z
    .number({ error: "allowed: an integer >= 0" })
    .int({ error: "allowed: an integer >= 0" })
    .min(0, { error: "allowed: an integer >= 0" });

const MACHINE_TYPE = new RegExp(
    [
        // e2-standard-2, n2-highmem-4, c3-standard-8-lssd, a2-highgpu-1g
        "^[a-z][a-z0-9]{1,3}-(standard|highmem|highcpu|megamem|ultramem|hypermem|highgpu|megagpu|ultragpu|edgegpu)-[0-9]+g?(-[a-z]+)?$",
        // shared-core: e2-medium, e2-small, e2-micro
        "^(e2|f1|g1)-(micro|small|medium)$",
        // custom-<vCPUs>-<MiB>, optionally with a family prefix and extended memory
        "^([a-z][a-z0-9]{1,3}-)?custom-[0-9]+-[0-9]+(-ext)?$",
    ].join("|"),
);
const MACHINE_TYPE_HINT = "allowed: a Compute Engine machine type such as e2-standard-2, n2-highmem-4, e2-medium or custom-4-8192";

export const RELEASE_CHANNELS = ["REGULAR", "RAPID", "STABLE"] as const;

const SHAPE = {
    /** No default: the GCP project is the one thing the stack cannot guess. */
    project: z
        .string({ error: "allowed: a GCP project id (required), e.g. pulumi config set --path gke.project my-project-123" })
        .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
            error: "allowed: a GCP project id: 6-30 lowercase letters, digits or '-', starting with a letter, e.g. my-project-123",
        }),
    location: z
        .string()
        .refine((l) => ZONE.test(l) || REGION.test(l), {
            error: "allowed: a zone such as us-central1-a (zonal cluster) or a region such as us-central1 (regional cluster)",
        })
        .default("us-central1-a"),
    /** Region of the subnetwork, Cloud NAT and Artifact Registry; derived from location when left out. */
    region: z
        .string()
        .regex(REGION, { error: "allowed: a GCP region such as us-central1 or europe-west1" })
        .optional(),
    machineType: z
        .string()
        .regex(MACHINE_TYPE, { error: MACHINE_TYPE_HINT })
        .refine((t) => !/custom-[0-9]+-[0-9]+/.test(t) || Number(/custom-[0-9]+-([0-9]+)/.exec(t)?.[1]) % 256 === 0, {
            error: "allowed: custom-<vCPUs>-<memory MiB> with the memory a multiple of 256, e.g. custom-4-8192",
        })
        .default("e2-standard-2"),
    /** Initial size of the node pool (per zone on a regional cluster); the autoscaler owns it afterwards. */
    nodeCount: positiveInt.default(3),
    minNodes: nonNegativeInt.default(2),
    maxNodes: positiveInt.default(5),
    releaseChannel: oneOf(RELEASE_CHANNELS).default("REGULAR"),
    /** Primary range of the subnetwork: node IPs. */
    subnetCidr: gcpCidr("10.0.0.0/20").default("10.0.0.0/20"),
    /** Secondary range for pod IPs (VPC-native). */
    podsCidr: gcpCidr("10.4.0.0/14").default("10.4.0.0/14"),
    /** Secondary range for Service ClusterIPs. */
    servicesCidr: gcpCidr("10.8.0.0/20").default("10.8.0.0/20"),
    /** Nodes without external IPs; egress goes through a Cloud NAT. */
    privateNodes: z.boolean({ error: "allowed: true, false" }).default(false),
    /** Control plane range of a private cluster (a /28); defaults to 172.16.0.0/28 when privateNodes is true. */
    masterIpv4CidrBlock: networkCidr("172.16.0.0/28", 28, 28, " (GKE's control plane range)").optional(),
    /** Who may reach the public control plane endpoint; left out, any address may (authentication still applies). */
    masterAuthorizedNetworks: z
        .array(cidr, { error: "allowed: a list of CIDRs" })
        .min(1, { error: "allowed: at least one CIDR (leave the key out to allow any address)" })
        .optional(),
    deletionProtection: z.boolean({ error: "allowed: true, false" }).default(false),
    /** Artifact Registry repository id for the app images. */
    repository: z
        .string()
        .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, {
            error: "allowed: an Artifact Registry repository id (lowercase letters, digits and '-', starting with a letter)",
        })
        .default("ticketbuster"),
};

const gkeObject = strictSection(SHAPE);

const DEFAULT_MASTER_CIDR = "172.16.0.0/28";

/** Cross-field rules; each issue points at the key to fix. */
function consistent(c: z.infer<typeof gkeObject>, ctx: z.RefinementCtx): void {
    if (c.minNodes > c.maxNodes) {
        ctx.addIssue({ code: "custom", path: ["minNodes"], message: `allowed: at most maxNodes (${c.maxNodes})` });
    } else if (c.nodeCount < c.minNodes || c.nodeCount > c.maxNodes) {
        ctx.addIssue({
            code: "custom",
            path: ["nodeCount"],
            message: `allowed: ${c.minNodes}..${c.maxNodes} (between minNodes and maxNodes)`,
        });
    }

    if (c.region !== undefined && c.region !== regionOf(c.location)) {
        ctx.addIssue({
            code: "custom",
            path: ["region"],
            message: `allowed: ${regionOf(c.location)}, the region of location ${c.location} (or leave it out)`,
        });
    }

    if (c.masterIpv4CidrBlock !== undefined && !c.privateNodes) {
        ctx.addIssue({ code: "custom", path: ["masterIpv4CidrBlock"], message: "allowed: only with privateNodes true" });
    }

    const blocks: [key: string, block: string | undefined][] = [
        ["subnetCidr", c.subnetCidr],
        ["podsCidr", c.podsCidr],
        ["servicesCidr", c.servicesCidr],
        ["masterIpv4CidrBlock", c.privateNodes ? (c.masterIpv4CidrBlock ?? DEFAULT_MASTER_CIDR) : undefined],
    ];
    const seen: { key: string; block: string; range: [number, number] }[] = [];
    for (const [key, block] of blocks) {
        const range = block === undefined ? undefined : networkRange(block);
        if (!block || !range) continue; // absent, or already reported as malformed
        const clash = seen.find((s) => overlap(s.range, range));
        if (clash) {
            ctx.addIssue({ code: "custom", path: [key], message: `allowed: a block that does not overlap ${clash.key} ${clash.block}` });
        }
        seen.push({ key, block, range });
    }
}

/**
 * `ticketbuster:gke` (set with `pulumi config set --path gke.<key> <value>`). Only `project` is required;
 * the output always has `region` and, for private nodes, `masterIpv4CidrBlock`.
 */
export const gkeSchema = gkeObject.superRefine(consistent).transform((c) => ({
    ...c,
    region: c.region ?? regionOf(c.location),
    masterIpv4CidrBlock: c.privateNodes ? (c.masterIpv4CidrBlock ?? DEFAULT_MASTER_CIDR) : undefined,
}));
export type GkeConfig = z.output<typeof gkeSchema>;
