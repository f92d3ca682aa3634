/**
 * The 5xx share of a tier's requests in the names its client library exports (MetricsSpec.errorRatio).
 * `$selector` and `$window` are filled in by errorRatioQuery.
 */

/** prom-client (Node.js) and prometheus_client (Python) conventions: http_requests_total{status}. */
export const HTTP_REQUESTS_ERROR_RATIO =
    'sum(rate(http_requests_total{$selector,status=~"5.."}[$window])) / sum(rate(http_requests_total{$selector}[$window]))';

/** Spring Boot's Micrometer (/actuator/prometheus): http_server_requests_seconds_count{status}. */
export const MICROMETER_ERROR_RATIO =
    'sum(rate(http_server_requests_seconds_count{$selector,status=~"5.."}[$window])) / sum(rate(http_server_requests_seconds_count{$selector}[$window]))';

/** A tier's error-ratio query for the pods `selector` matches (PromQL label matchers), over `windowSeconds`. */
export function errorRatioQuery(template: string, selector: Record<string, string>, windowSeconds: number): string {
    const matchers = Object.entries(selector)
        .map(([label, value]) => `${label}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
        .join(",");
    return template.replace(/\$selector/g, matchers).replace(/\$window/g, `${Math.round(windowSeconds)}s`);
}
