import { z } from "zod";
import { positiveInt, strictSection } from "./rules";

/** Names cron accepts for months and weekdays (Kubernetes' parser, robfig/cron, takes them case-insensitively). */
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/** The descriptors a CronJob's schedule takes besides five fields. */
const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

const FIELDS: { min: number; max: number; names?: string[]; any?: boolean }[] = [
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31, any: true },
    { min: 1, max: 12, names: MONTHS },
    { min: 0, max: 7, names: DAYS, any: true },
];

function value(token: string, f: (typeof FIELDS)[number]): number | undefined {
    const named = f.names?.indexOf(token.toLowerCase()) ?? -1;
    if (named >= 0) return named + f.min;
    if (!/^[0-9]+$/.test(token)) return undefined;
    const n = Number(token);
    return n >= f.min && n <= f.max ? n : undefined;
}

/** One field: `*`, `?` (day fields), or a list of values and ranges, each with an optional `/step`. */
function fieldOk(text: string, f: (typeof FIELDS)[number]): boolean {
    if (text === "?" && f.any) return true;
    return text.split(",").every((part) => {
        const [range, step, ...rest] = part.split("/");
        if (rest.length > 0 || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return false;
        if (range === "*") return true;
        const [from, to, ...more] = range.split("-");
        if (more.length > 0) return false;
        const a = value(from, f);
        if (a === undefined) return false;
        if (to === undefined) return true;
        const b = value(to, f);
        return b !== undefined && a <= b;
    });
}

/** A schedule the CronJob controller accepts: five fields (minute hour day-of-month month day-of-week) or a descriptor. */
export function isCronSchedule(s: string): boolean {
    const trimmed = s.trim();
    if (DESCRIPTORS.includes(trimmed)) return true;
    const fields = trimmed.split(/\s+/);
    return fields.length === 5 && fields.every((field, i) => fieldOk(field, FIELDS[i]));
}

const CRON_HINT = "allowed: a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. 0 2 * * *, or @daily, @hourly, @weekly, @monthly";

/** A storage quantity larger than zero, e.g. 10Gi or 500Mi. */
const storageSize = z.string().regex(/^([1-9][0-9]*|[0-9]+\.[0-9]*[1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/, {
    error: "allowed: a storage quantity above zero, e.g. 10Gi or 500Mi",
});

/**
 * `ticketbuster:backup` (set with `pulumi config set --path backup.<key> <value>`): the scheduled
 * logical backups of the app's data stores (components/backups.ts). Every key optional.
 */
export const backupSchema = strictSection({
    /** Data is backed up unless a stack says otherwise. */
    enabled: z.boolean({ error: "allowed: true, false" }).default(true),
    /** When every store's CronJob runs (the cluster's time zone is not used: UTC). */
    schedule: z.string({ error: CRON_HINT }).refine(isCronSchedule, { error: CRON_HINT }).default("0 2 * * *"),
    /** Backups older than this are deleted (bucket lifecycle rule; the local job prunes its volume). */
    retentionDays: positiveInt.default(14),
    /** The size of the local target's `backups` volume (EKS and GKE write to a bucket). */
    size: storageSize.default("10Gi"),
});
export type BackupConfig = z.infer<typeof backupSchema>;
