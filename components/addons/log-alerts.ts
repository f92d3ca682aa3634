/**
 * Alerts from logs, for one app namespace: Loki ruler rules (LogQL), delivered by the ruler to the same
 * Alertmanager as the PrometheusRule alerts of alerts.ts. Lines are labelled by Fluent Bit
 * (components/addons/fluent-bit.ts STREAM_LABELS): `app` is the tier.
 */
import { stringify } from "yaml";
import type { AlertRule } from "./alerts";

/** A word "error" in any case: `level=error`, `"level":"ERROR"`, `Error: ...`; not `errors=0` nor `error_count`. */
const ERROR_LINE = "(?i)\\berror\\b";
/**
 * What a process prints as it dies: a Go panic, a Python traceback, a JVM out of memory, Node's heap limit. Seen again
 * and again, it is a crash loop; a pod's restarts alone do not say why.
 */
export const CRASH_SIGNATURE = "panic:|Traceback \\(most recent call last\\)|OutOfMemoryError|JavaScript heap out of memory";
/** Error lines per second, per tier, above which a tier is alerted on. */
export const ERROR_LINES_PER_SECOND = 1;

/** LogQL strings in backquotes: no escaping inside (the regexes keep their backslashes as written). */
const raw = (s: string) => `\`${s}\``;

export function appLogAlerts(namespace: string): AlertRule[] {
    const stream = `{namespace="${namespace}"}`;
    return [
        {
            alert: "TierLoggingErrors",
            expr: `sum by (app) (rate(${stream} |~ ${raw(ERROR_LINE)} [5m])) > ${ERROR_LINES_PER_SECOND}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: `A tier logs more than ${ERROR_LINES_PER_SECOND} error line per second`,
                description: `{{ $labels.app }} in ${namespace}: {{ $value | humanize }} error lines/s over 5 minutes.`,
            },
        },
        {
            alert: "CrashLoopSignature",
            expr: `sum by (app, pod) (count_over_time(${stream} |~ ${raw(CRASH_SIGNATURE)} [10m])) > 0`,
            for: "1m",
            labels: { severity: "critical" },
            annotations: {
                summary: "A process died with a panic, a traceback or out of memory",
                description: `{{ $labels.pod }} ({{ $labels.app }}) in ${namespace} logged a crash signature {{ $value }} times in 10 minutes.`,
            },
        },
    ];
}

/** The ruler's rule file for one app namespace (Prometheus rule-file format); the namespace label routes it like the metric alerts. */
export function logAlertRuleFile(namespace: string): string {
    const rules = appLogAlerts(namespace).map((r) => ({ ...r, labels: { ...r.labels, namespace } }));
    return stringify({ groups: [{ name: `${namespace}-logs`, rules }] });
}
