import { z } from "zod";

/** Small zod builders whose messages say what is allowed; the loader adds the key and the bad value. */

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: () => `allowed: ${values.join(", ")}` });

export const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: "allowed: a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
    });

export const dnsSubdomain = z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
        error: "allowed: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
    });

/** A Docker tag, and never a moving one. */
const DOCKER_TAG = "allowed: a Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), e.g. 1.4.2 or a git SHA";
export const imageTag = z
    .string({ error: DOCKER_TAG })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: DOCKER_TAG })
    .refine((t) => t !== "latest", { error: "allowed: a pinned tag; 'latest' is not reproducible" });

/** Registry host and path, without a tag: docker.io/ticketbuster, 123.dkr.ecr.us-east-1.amazonaws.com/x. */
export const imageRegistry = z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
        error: "allowed: a registry host and/or path without tag, e.g. ticketbuster or ghcr.io/acme",
    });

/** A stack as a StackReference names it; a file backend's organization is `organization`. */
export const stackName = z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
        error: "allowed: a fully qualified stack name <org>/<project>/<stack>, e.g. organization/ticketbuster/platform-local (a file backend's org is organization)",
    });

export const positiveInt = z
    .number({ error: "allowed: an integer >= 1" })
    .int({ error: "allowed: an integer >= 1" })
    .min(1, { error: "allowed: an integer >= 1" });

export const booleanString = z
    .enum(["true", "false"], { error: () => "allowed: true, false" })
    .transform((v) => v === "true");

export const integerString = z
    .string()
    .regex(/^-?[0-9]+$/, { error: "allowed: an integer" })
    .transform(Number);

/** Parses a JSON-valued config key (`pulumi config set --path` writes these). */
export const json = <T extends z.ZodType>(inner: T) =>
    z
        .string()
        .transform((s, ctx) => {
            try {
                return JSON.parse(s) as unknown;
            } catch {
                ctx.addIssue({ code: "custom", message: "allowed: a JSON object" });
                return z.NEVER;
            }
        })
        .pipe(inner);

/** An object that refuses unknown keys; the loader names each one, this message lists what is allowed. */
export const strictSection = <S extends z.ZodRawShape>(shape: S) =>
    z.strictObject(shape, {
        error: (issue) => (issue.code === "unrecognized_keys" ? `allowed: ${Object.keys(shape).join(", ")}` : undefined),
    });

/** A map whose keys must come from `allowed`, with a message that lists them. */
export const recordOf = <V extends z.ZodType>(allowed: readonly string[], value: V, what: string) =>
    z.record(z.string(), value, { error: "allowed: a JSON object" }).superRefine((rec, ctx) => {
        for (const key of Object.keys(rec)) {
            if (!allowed.includes(key)) {
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: `unknown ${what} "${key}"; allowed: ${allowed.join(", ")}`,
                });
            }
        }
    });

export function isCidr(s: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    return octets.every((o) => o <= 255) && bits <= 32;
}

export const cidr = z.string().refine(isCidr, { error: "allowed: an IPv4 CIDR such as 10.0.0.0/16" });

export type AddressRange = [first: number, last: number];

/** The inclusive address range of a network block (host bits zero), else undefined. */
export function networkRange(block: string): AddressRange | undefined {
    if (!isCidr(block)) return undefined;
    const [ip, bits] = block.split("/");
    const base = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits));
    return base % size === 0 ? [base, base + size - 1] : undefined;
}

export const rangeInside = (inner: AddressRange, outer: AddressRange) => inner[0] >= outer[0] && inner[1] <= outer[1];
export const rangesOverlap = (a: AddressRange, b: AddressRange) => a[0] <= b[1] && b[0] <= a[1];

/** A network block whose mask is within what a cloud accepts, e.g. AWS /16../28, GCP /8../29. */
export const networkCidr = (example: string, minBits: number, maxBits: number, why: string) =>
    cidr
        .refine((c) => !isCidr(c) || networkRange(c) !== undefined, {
            error: `allowed: a network address (host bits zero), e.g. ${example}`,
        })
        .refine((c) => !isCidr(c) || (Number(c.split("/")[1]) >= minBits && Number(c.split("/")[1]) <= maxBits), {
            error: `allowed: a /${minBits} to /${maxBits} block${why}`,
        });

/**
 * A tag set with `pulumi config set --path`, which stores an all-digit value (a git SHA can be one)
 * as a number: read it back as the string it was.
 */
export const pathImageTag = z.preprocess((v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? String(v) : v), imageTag);
