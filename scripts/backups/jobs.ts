import type { Kubectl } from "./kubectl";

export type JobEnd = "Complete" | "Failed";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ContainerStatus {
    name: string;
    state?: { running?: unknown; terminated?: unknown; waiting?: { reason?: string } };
}

/** The Job's end, if it has one. */
function ended(job: { status?: { conditions?: { type: string; status: string }[] } }): JobEnd | undefined {
    const done = job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
    return done?.type as JobEnd | undefined;
}

/**
 * Streams the logs of a Job's pod, container after container (the init container first), then waits
 * for the Job to complete or fail. A container whose log cannot be read (e.g. a cluster without
 * kubelets) is reported and skipped: the Job's own status decides.
 */
export async function followJob(
    kubectl: Kubectl,
    namespace: string,
    job: string,
    containers: string[],
    out: (line: string) => void,
    timeoutMs: number,
): Promise<JobEnd> {
    const deadline = Date.now() + timeoutMs;
    let pod: string | undefined;
    while (!pod) {
        if (Date.now() > deadline) throw new Error(`job ${namespace}/${job} started no pod within ${timeoutMs / 1000}s`);
        const end = ended(kubectl.json(["-n", namespace, "get", "job", job]));
        const pods = kubectl.json<{ items: { metadata: { name: string } }[] }>(["-n", namespace, "get", "pods", "-l", `job-name=${job}`]).items;
        pod = pods[0]?.metadata.name;
        if (!pod && end) return end;
        if (!pod) await sleep(1000);
    }
    out(`pod ${pod}`);
    for (const container of containers) {
        // Wait until the container has started (or the pod gave up before it).
        for (;;) {
            const p = kubectl.json<{ status: { phase?: string; initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] } }>(["-n", namespace, "get", "pod", pod]);
            const status = [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])].find((s) => s.name === container);
            if (status?.state?.running || status?.state?.terminated || p.status.phase === "Succeeded" || p.status.phase === "Failed") break;
            if (Date.now() > deadline) throw new Error(`container ${container} of ${pod} did not start within ${timeoutMs / 1000}s`);
            await sleep(1000);
        }
        const logs = await kubectl.stream(["-n", namespace, "logs", "-f", pod, "-c", container], (line) => out(`[${container}] ${line}`));
        if (logs.code !== 0) out(`[${container}] (no log: ${logs.stderr.trim()})`);
    }
    for (;;) {
        const end = ended(kubectl.json(["-n", namespace, "get", "job", job]));
        if (end) return end;
        if (Date.now() > deadline) throw new Error(`job ${namespace}/${job} did not finish within ${timeoutMs / 1000}s`);
        await sleep(2000);
    }
}
