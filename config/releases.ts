import { z } from "zod";
import type { AppSpec } from "../apps/types";
import { isStateless, isStore, routedTiers } from "../apps/wiring";
import { pathImageTag, strictSection } from "./rules";
import type { Routing } from "./schema";

/**
 * `releases.<tier>`: a second version of a stateless tier running next to the stable one (a canary,
 * or at weight 0 a blue/green "green"), set with `pulumi config set --path releases.<tier>.imageTag 1.1.0`.
 */

/** The default header that sends a request of a routed tier to its canary whatever the weight. */
export const DEFAULT_CANARY_HEADER = { name: "x-canary", value: "always" } as const;

/** The Gateway API's HTTPHeaderName (an RFC 7230 token). */
const headerName = z
    .string()
    .max(256)
    .regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, { error: "allowed: an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), e.g. x-canary" });
const headerValue = z.preprocess(
    (v) => (typeof v === "number" || typeof v === "boolean" ? String(v) : v),
    z.string({ error: "allowed: a non-empty string of at most 4096 characters" }).min(1, { error: "allowed: a non-empty string of at most 4096 characters" }).max(4096),
);

/** The tag also becomes the label app.kubernetes.io/version, whose values are shorter and stricter. */
const releaseTag = pathImageTag.refine((t) => typeof t !== "string" || /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/.test(t), {
    error: "allowed: at most 63 characters, starting and ending with a letter or digit (it becomes the label app.kubernetes.io/version)",
});

export const releaseSchema = strictSection({
    imageTag: releaseTag,
    /** Percent of the routed traffic the canary takes; for an internal tier, the share its replicas approach. */
    weight: z
        .number({ error: "allowed: an integer 0..100 (percent of the traffic)" })
        .int({ error: "allowed: an integer 0..100 (percent of the traffic)" })
        .min(0, { error: "allowed: an integer 0..100 (percent of the traffic)" })
        .max(100, { error: "allowed: an integer 0..100 (percent of the traffic)" })
        .default(0),
    header: strictSection({ name: headerName, value: headerValue }).default({ ...DEFAULT_CANARY_HEADER }),
});
export type Release = z.infer<typeof releaseSchema>;

/** The map of releases: only the app's stateless tiers; a data store is named as such. */
export function releasesSchema(app: AppSpec) {
    const released = app.tiers.filter(isStateless).map((t) => t.name);
    return z.record(z.string(), z.unknown(), { error: "allowed: a JSON object" }).transform((rec, ctx) => {
        const out: Record<string, Release> = {};
        for (const [tier, value] of Object.entries(rec)) {
            const store = app.tiers.find((t) => t.name === tier && isStore(t));
            if (store) {
                ctx.addIssue({
                    code: "custom",
                    path: [tier],
                    message: `allowed: a release of a stateless tier (${tier} is a data store: one pod, its image pinned by digest in apps/): ${released.join(", ")}`,
                });
                continue;
            }
            if (!released.includes(tier)) {
                ctx.addIssue({ code: "custom", path: [tier], message: `unknown tier "${tier}"; allowed: ${released.join(", ")}` });
                continue;
            }
            const parsed = releaseSchema.safeParse(value, { reportInput: true });
            if (parsed.success) out[tier] = parsed.data;
            else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [tier, ...issue.path] } as z.core.$ZodRawIssue);
        }
        return out;
    });
}

/** What a release is checked against: the tier's current tag and how the app's routes are served. */
export interface ReleaseContext {
    imageTag: string;
    imageTags?: Record<string, string>;
    routing: Routing;
}

/** The tiers an app's routes reach (their canary is split by the HTTPRoute's weights). */
export const routedTierNames = (app: AppSpec): string[] => routedTiers(app).map((t) => t.name);

/**
 * Cross-key checks, as `<ns>:releases.<tier>...: got ...; allowed: ...`: a release brings a tag other
 * than the one the tier runs, and a routed tier's canary needs the Gateway API (Ingress has no
 * standard traffic weights).
 */
export function releaseProblems(ns: string, app: AppSpec, releases: Record<string, Release>, ctx: ReleaseContext): string[] {
    const problems: string[] = [];
    const routed = routedTierNames(app);
    for (const [tier, release] of Object.entries(releases)) {
        const current = ctx.imageTags?.[tier] ?? ctx.imageTag;
        if (release.imageTag === current) {
            const from = ctx.imageTags?.[tier] !== undefined ? `imageTags.${tier}` : "imageTag";
            problems.push(
                `${ns}:releases.${tier}.imageTag: got ${JSON.stringify(release.imageTag)}; allowed: a tag other than the one ${tier} runs now (${current}, from ${from}): a release brings a new version`,
            );
        }
        if (ctx.routing === "ingress" && routed.includes(tier)) {
            problems.push(
                `${ns}:releases.${tier}: got a release of ${tier}, which the app's routes reach, with routing "ingress"; allowed: routing "gateway" ` +
                    `(the Gateway API HTTPRoute splits traffic by weight; an Ingress has no standard weights): pulumi config set routing gateway`,
            );
        }
    }
    return problems;
}
