/**
 * The canary as kubectl sees it: its pods (Ready, restarts) and, when the stack runs the monitoring
 * add-on and the tier declares metrics, its 5xx share from Prometheus, asked through the API
 * server's service proxy (no port-forward, no extra NetworkPolicy: the API server reaches Prometheus
 * in the monitoring namespace, which has no policy of this program).
 */
import { spawn } from "child_process";
import { errorRatioQuery } from "../../apps/metrics";
import { canaryName, canarySelector } from "../../components/canary-release";
import { NAMESPACES } from "../../components/addons/versions";
import type { CanaryChecker, CanaryObservation, PodHealth } from "./stepper";

export interface KubectlResult {
    ok: boolean;
    stdout: string;
    stderr: string;
}
export type Kubectl = (args: string[]) => Promise<KubectlResult>;

/** kubectl with a kubeconfig and/or context (undefined: kubectl's own defaults). */
export function kubectlWith(access: { kubeconfig?: string; context?: string }): Kubectl {
    const prefix = [...(access.kubeconfig ? ["--kubeconfig", access.kubeconfig] : []), ...(access.context ? ["--context", access.context] : [])];
    return (args) =>
        new Promise((resolve) => {
            const child = spawn("kubectl", [...prefix, ...args], { stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", (e) => resolve({ ok: false, stdout, stderr: `${stderr}${e.message}` }));
            child.on("close", (code) => resolve({ ok: code === 0, stdout, stderr }));
        });
}

/** kube-prometheus-stack labels its Prometheus Service `app: <chart name>-prometheus`. */
export const PROMETHEUS_SERVICE_LABEL = "app=kube-prometheus-stack-prometheus";

export interface KubeCheckerOptions {
    namespace: string;
    tier: string;
    /** The tier's MetricsSpec.errorRatio when monitoring is on and the tier declares metrics. */
    errorRatio?: string;
    /** Rate window of the 5xx query. */
    windowSeconds: number;
}

async function json<T>(kubectl: Kubectl, args: string[]): Promise<T> {
    const r = await kubectl(args);
    if (!r.ok) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as T;
}

/** A pod's readiness and restarts; pods being deleted (a scale-down) are left out. */
export function podHealth(pods: any[]): PodHealth[] {
    return pods
        .filter((p) => !p.metadata?.deletionTimestamp)
        .map((p) => ({
            name: p.metadata.name,
            ready: p.status?.phase === "Running" && (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
            restarts: (p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0),
        }));
}

/** A Prometheus instant-query answer as one number; null when there were no requests (no series, or 0/0). */
export function ratioOf(answer: { status: string; data?: { result?: { value: [number, string] }[] }; error?: string }): number | null {
    if (answer.status !== "success") throw new Error(`Prometheus: ${answer.error ?? answer.status}`);
    const value = answer.data?.result?.[0]?.value?.[1];
    if (value === undefined) return null;
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
}

export class KubeChecker implements CanaryChecker {
    private prometheusPath?: string;

    constructor(
        private readonly kubectl: Kubectl,
        private readonly opts: KubeCheckerOptions,
    ) {}

    async observe(): Promise<CanaryObservation> {
        const selector = Object.entries(canarySelector(this.opts.tier))
            .map(([k, v]) => `${k}=${v}`)
            .join(",");
        const pods = await json<{ items: any[] }>(this.kubectl, ["get", "pods", "-n", this.opts.namespace, "-l", selector, "-o", "json"]);
        const observation: CanaryObservation = { pods: podHealth(pods.items) };
        if (this.opts.errorRatio) observation.errorRate = await this.errorRate(this.opts.errorRatio);
        return observation;
    }

    /** The canary's 5xx share: its own Service's targets (service="<tier>-canary", see the Monitoring add-on). */
    private async errorRate(template: string): Promise<number | null> {
        const query = errorRatioQuery(template, { namespace: this.opts.namespace, service: canaryName(this.opts.tier) }, this.opts.windowSeconds);
        const path = `${await this.prometheus()}/api/v1/query?query=${encodeURIComponent(query)}`;
        return ratioOf(await json(this.kubectl, ["get", "--raw", path]));
    }

    /** The API server's proxy path to the Prometheus Service (found once, by its chart label). */
    private async prometheus(): Promise<string> {
        if (this.prometheusPath) return this.prometheusPath;
        const ns = NAMESPACES.monitoring;
        const services = await json<{ items: any[] }>(this.kubectl, ["get", "services", "-n", ns, "-l", PROMETHEUS_SERVICE_LABEL, "-o", "json"]);
        const svc = services.items[0];
        if (!svc) throw new Error(`no Prometheus Service (label ${PROMETHEUS_SERVICE_LABEL}) in namespace ${ns}`);
        const port = svc.spec.ports[0];
        this.prometheusPath = `/api/v1/namespaces/${ns}/services/${svc.metadata.name}:${port.name ?? port.port}/proxy`;
        return this.prometheusPath;
    }
}
