/**
 * `npm run bench:e2e`: times Pulumi against plain kubectl on the kwok cluster and prints the figures.
 *   pulumi: cold `up` (to every resource ready), no-op `up`, `destroy`
 *   kubectl: `apply` of the same objects + `rollout status` / `wait` to the same readiness, `delete`
 * Each is measured RUNS times (default 1) in the same run; medians and the Pulumi/kubectl ratios print.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runStack } from "../driver";
import { renderManifests } from "../render/manifests";
import {
    CLUSTER_TOOLS,
    clusterDown,
    clusterUp,
    E2E_STACK,
    e2eOverlay,
    e2eScript,
    ENGINE_TOOLS,
    hasTools,
    PROVIDER_TOOLS,
    removeStackFile,
    useCluster,
    useToolchain,
    writeStackFile,
} from "./session";

const RUNS = Number(process.env.RUNS ?? "1");
const NS = "ticketbuster";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
    const t = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Engine events of one run: when the first came, and each resource step's start and end. */
class Timeline {
    private readonly start = Date.now();
    private first?: number;
    private last?: number;
    private readonly steps = new Map<string, { op: string; from: number; to?: number }>();
    readonly record = (e: EngineEvent) => {
        const now = Date.now();
        this.first ??= now;
        this.last = now;
        const pre = e.resourcePreEvent?.metadata;
        if (pre && pre.op !== "same") this.steps.set(pre.urn, { op: pre.op, from: now });
        const done = e.resOutputsEvent?.metadata;
        const step = done && this.steps.get(done.urn);
        if (step) step.to = now;
    };
    summary(name: string, top = 5): string {
        const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        const lines = [`  ${name}: first engine event at ${s((this.first ?? this.start) - this.start)}, last at ${s((this.last ?? this.start) - this.start)}, ${this.steps.size} steps`];
        const slowest = [...this.steps.entries()].filter(([, v]) => v.to !== undefined).sort(([, a], [, b]) => b.to! - b.from - (a.to! - a.from)).slice(0, top);
        for (const [urn, v] of slowest) lines.push(`    ${v.op.padEnd(7)} ${urn.split("::").pop()!.padEnd(36)} ${s(v.from - this.start)} → ${s(v.to! - this.start)}`);
        return lines.join("\n");
    }
}

async function main(): Promise<void> {
    const withPulumi = hasTools([...ENGINE_TOOLS, ...PROVIDER_TOOLS]);
    const { backendDir } = useToolchain(withPulumi ? [...ENGINE_TOOLS, ...PROVIDER_TOOLS, ...CLUSTER_TOOLS] : CLUSTER_TOOLS);
    useCluster("bench");
    const cluster = clusterUp();
    const kubectl = (...args: string[]) =>
        execFileSync("kubectl", ["--kubeconfig", cluster.kubeconfig, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const manifests = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tb-manifests-")), "k8s");

    const timelines: Partial<Record<"up" | "noop" | "destroy", Timeline>> = {};
    const figures: Record<string, number[]> = { render: [], pulumiUp: [], pulumiNoop: [], pulumiDestroy: [], kubectlApply: [], kubectlDelete: [] };
    try {
        removeStackFile();
        writeStackFile(cluster);
        const drive = (action: "up" | "destroy", timeline?: Timeline) =>
            runStack({ stack: E2E_STACK, action, backendUrl: `file://${backendDir}`, onOutput: () => {}, onEvent: timeline?.record });
        for (let i = 0; i < RUNS; i++) {
            figures.render.push(await time(() => renderManifests({ stack: "dev", outDir: manifests, config: e2eOverlay() })));
            if (withPulumi) {
                timelines.up = new Timeline();
                figures.pulumiUp.push(await time(() => drive("up", timelines.up)));
                timelines.noop = new Timeline();
                figures.pulumiNoop.push(await time(() => drive("up", timelines.noop)));
                timelines.destroy = new Timeline();
                figures.pulumiDestroy.push(await time(() => drive("destroy", timelines.destroy)));
                e2eScript("cluster.sh", "recycle-pvs");
            }
            figures.kubectlApply.push(
                await time(() => {
                    kubectl("apply", "--server-side", "-f", manifests);
                    const workloads = kubectl("get", "deployments,statefulsets", "-n", NS, "-o", "name").trim().split("\n");
                    for (const w of workloads) kubectl("rollout", "status", "-n", NS, w, "--timeout=600s");
                    kubectl("wait", "--for=condition=complete", "job", "--all", "-n", NS, "--timeout=600s");
                }),
            );
            figures.kubectlDelete.push(await time(() => kubectl("delete", "namespace", NS, "--wait=true", "--timeout=600s")));
            // Untimed: what the namespace does not hold (the PriorityClasses), or the next pulumi up finds them taken.
            kubectl("delete", "-f", manifests, "--ignore-not-found", "--wait=false");
            e2eScript("cluster.sh", "recycle-pvs");
        }
    } finally {
        clusterDown();
        removeStackFile();
    }

    const m = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.length ? median(v) : NaN]));
    const cell = (s: number) => (Number.isNaN(s) ? "not measured (no pulumi-resource-kubernetes plugin)" : `${s.toFixed(1).padStart(7)} s`);
    const rows = [
        ["program evaluation (mocks, render YAML)", m.render],
        ["pulumi up (cold, to ready)", m.pulumiUp],
        ["pulumi up (no changes)", m.pulumiNoop],
        ["pulumi destroy", m.pulumiDestroy],
        ["kubectl apply + rollout/wait (to ready)", m.kubectlApply],
        ["kubectl delete namespace", m.kubectlDelete],
    ] as const;
    console.log(`\nTicketBuster on kwok (kube 1.33), ${RUNS} run(s), median seconds, ${os.cpus().length} cores`);
    for (const [name, s] of rows) console.log(`  ${name.padEnd(42)} ${cell(s)}`);
    if (withPulumi) {
        console.log(`  ratio pulumi up / kubectl apply+wait      ${(m.pulumiUp / m.kubectlApply).toFixed(2).padStart(7)}`);
        console.log(`  ratio pulumi destroy / kubectl delete     ${(m.pulumiDestroy / m.kubectlDelete).toFixed(2).padStart(7)}`);
        // Where the time goes, in the last run: before the engine's first event (CLI, language host, program
        // start-up: ours and Pulumi's), and the longest steps (what sits on the critical path).
        for (const [name, t] of Object.entries(timelines)) console.log(t!.summary(`pulumi ${name}`));
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
