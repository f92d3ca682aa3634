import { LOKI_DATASOURCE_UID } from "./loki";

/**
 * A Grafana dashboard for one app namespace: requests, errors, latency, pods and HPA replicas; with `logTiers` (the
 * cluster runs the logging add-on) a logs panel per tier below them.
 */
export function appDashboard(app: string, namespace: string, logTiers?: string[]): Record<string, unknown> {
    const ns = `namespace="${namespace}"`;
    const panel = (id: number, title: string, expr: string, legend: string, unit: string) => ({
        id,
        title,
        type: "timeseries",
        datasource: { type: "prometheus", uid: "prometheus" },
        gridPos: { h: 8, w: 12, x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8 },
        fieldConfig: { defaults: { unit }, overrides: [] },
        targets: [{ refId: "A", expr, legendFormat: legend }],
    });
    return {
        uid: `${app}-overview`.slice(0, 40),
        title: `${app} overview`,
        tags: [app, "ticketbuster-platform"],
        timezone: "browser",
        schemaVersion: 39,
        refresh: "30s",
        time: { from: "now-1h", to: "now" },
        panels: [
            panel(1, "Requests per second", `sum by (service) (rate(http_requests_total{${ns}}[5m]))`, "{{service}}", "reqps"),
            panel(2, "Errors (5xx) per second", `sum by (service) (rate(http_requests_total{${ns},status=~"5.."}[5m]))`, "{{service}}", "reqps"),
            panel(
                3,
                "Latency p95",
                `histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{${ns}}[5m])))`,
                "{{service}}",
                "s",
            ),
            panel(4, "Ready pods", `sum by (deployment) (kube_deployment_status_replicas_ready{${ns}})`, "{{deployment}}", "short"),
            panel(
                5,
                "HPA replicas (current / desired)",
                `kube_horizontalpodautoscaler_status_current_replicas{${ns}} or kube_horizontalpodautoscaler_status_desired_replicas{${ns}}`,
                "{{horizontalpodautoscaler}}",
                "short",
            ),
            ...(logTiers ?? []).map((tier, i) => logsPanel(6 + i, tier, namespace)),
        ],
    };
}

/** A tier's lines (Fluent Bit's `app` label is the tier), newest first, full width under the metric panels. */
function logsPanel(id: number, tier: string, namespace: string) {
    return {
        id,
        title: `${tier} logs`,
        type: "logs",
        datasource: { type: "loki", uid: LOKI_DATASOURCE_UID },
        gridPos: { h: 8, w: 24, x: 0, y: 24 + (id - 6) * 8 },
        options: { showTime: true, wrapLogMessage: true, enableLogDetails: true, sortOrder: "Descending" },
        targets: [{ refId: "A", expr: `{namespace="${namespace}", app="${tier}"}` }],
    };
}
