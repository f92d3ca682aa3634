import { spawn, spawnSync } from "child_process";
import { APPS } from "../../apps";
import { isStateless } from "../../apps/wiring";

/** kubectl against one kubeconfig, returning parsed JSON. */
export function kubectl(kubeconfig: string) {
    const run = (args: string[], input?: string) => {
        const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { encoding: "utf8", input });
        return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
    };
    /**
     * For commands that wait (rollout status, delete --wait): a synchronous call would block the test
     * worker's event loop for that long, and vitest reports its missed heartbeats as an error.
     */
    const runAsync = (args: string[]) =>
        new Promise<{ ok: boolean; stdout: string; stderr: string }>((resolve) => {
            const child = spawn("kubectl", ["--kubeconfig", kubeconfig, ...args]);
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("close", (code) => resolve({ ok: code === 0, stdout, stderr }));
        });
    return {
        run,
        runAsync,
        json<T = any>(args: string[]): T {
            const r = run([...args, "-o", "json"]);
            if (!r.ok) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
            return JSON.parse(r.stdout) as T;
        },
        items<T = any>(args: string[]): T[] {
            const r = run([...args, "-o", "json"]);
            if (!r.ok) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
            return (JSON.parse(r.stdout) as { items: T[] }).items;
        },
    };
}

export const isReady = (pod: any): boolean =>
    pod.status?.phase === "Running" && (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");

/** Pods of an app once settled: each stateless tier's replicas (an HPA's floor), one per data store. */
export function expectedPods(appName: string): number {
    return APPS[appName].tiers.reduce((n, t) => n + (isStateless(t) ? Math.max(t.replicas, t.autoscaling?.minReplicas ?? 0) : 1), 0);
}

/** A storage quantity in GiB, for the binary suffixes a PV or claim uses ("512Mi", "5Gi", "1Ti"). */
export function gibibytes(quantity: string): number {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
    if (!m) throw new Error(`not a storage quantity: ${quantity}`);
    const scale = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024 }[m[2] ?? ""] ?? 1 / 1024 ** 3;
    return Number(m[1]) * scale;
}
