import { z } from "zod";
import { strictSection } from "./rules";

/** Loki deletes by whole index days (24 h tables); ten years is far beyond any laptop or bucket budget meant here. */
const RETENTION_DAYS = "allowed: an integer from 1 to 3650 (days)";
const retentionDays = z.number({ error: RETENTION_DAYS }).int({ error: RETENTION_DAYS }).min(1, { error: RETENTION_DAYS }).max(3650, { error: RETENTION_DAYS });

/** `ticketbuster:logging` (set with `pulumi config set --path logging.<key> <value>`); read only with `addons.logging` on. */
export const loggingSchema = strictSection({
    /** How long Loki keeps a log line (its compactor deletes older ones; on EKS/GKE the bucket's lifecycle is the backstop). */
    retentionDays: retentionDays.default(7),
});
export type LoggingConfig = z.infer<typeof loggingSchema>;

/**
 * The `logging` section of a stack that owns its cluster: parsed with the add-on on; set while it is off, each key is a
 * problem (it would be silently ignored).
 */
export function loggingProblems(raw: Record<string, unknown>, logging: boolean, ns = "ticketbuster"): string[] {
    if (logging) return [];
    return Object.entries(raw).map(([key, value]) => `${ns}:logging.${key}: got ${JSON.stringify(value)}; allowed: only with addons.logging true`);
}
