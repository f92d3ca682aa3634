/**
 * The alerts of seed 002, for one app namespace. Requests come from the tiers' http_requests_total /
 * http_request_duration_seconds (the usual client-library names); pods and limits from the
 * kube-state-metrics and cAdvisor series that kube-prometheus-stack scrapes.
 */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: "warning" | "critical" };
    annotations: { summary: string; description: string };
}

export function appAlerts(namespace: string): AlertRule[] {
    const ns = `namespace="${namespace}"`;
    const byPod = `sum by (pod, container)`;
    return [
        {
            alert: "HighErrorRate",
            expr:
                `sum by (service) (rate(http_requests_total{${ns},status=~"5.."}[5m]))` +
                ` / sum by (service) (rate(http_requests_total{${ns}}[5m])) > 0.10`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: { summary: "More than 10% of requests fail", description: "{{ $labels.service }}: {{ $value | humanizePercentage }} 5xx over 5 minutes." },
        },
        {
            alert: "HighLatencyP95",
            expr: `histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{${ns}}[5m]))) > 1`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: { summary: "p95 latency above 1 s", description: "{{ $labels.service }}: p95 is {{ $value | humanizeDuration }}." },
        },
        {
            alert: "ServiceDown",
            expr: `up{${ns}} == 0`,
            for: "2m",
            labels: { severity: "critical" },
            annotations: { summary: "A scrape target is down", description: "{{ $labels.job }} ({{ $labels.pod }}) has not answered for 2 minutes." },
        },
        {
            alert: "MemoryNearLimit",
            expr:
                `${byPod} (container_memory_working_set_bytes{${ns},container!=""})` +
                ` / ${byPod} (kube_pod_container_resource_limits{${ns},resource="memory"}) > 0.80`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: { summary: "Memory above 80% of the limit", description: "{{ $labels.pod }}/{{ $labels.container }} at {{ $value | humanizePercentage }} of its memory limit." },
        },
        {
            alert: "CpuNearLimit",
            expr:
                `${byPod} (rate(container_cpu_usage_seconds_total{${ns},container!=""}[5m]))` +
                ` / ${byPod} (kube_pod_container_resource_limits{${ns},resource="cpu"}) > 0.80`,
            for: "15m",
            labels: { severity: "warning" },
            annotations: { summary: "CPU above 80% of the limit", description: "{{ $labels.pod }}/{{ $labels.container }} at {{ $value | humanizePercentage }} of its CPU limit." },
        },
    ];
}
