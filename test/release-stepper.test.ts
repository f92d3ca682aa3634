/**
 * The release driver's stepping, rollback, promotion and Ctrl-C behaviour (scripts/release/stepper.ts)
 * against a fake stack (records config changes and ups, can fail or hang an up) and a fake checker
 * (health and 5xx share injected per look), on a fake clock. And the kubectl side's parsing
 * (scripts/release/kube-checker.ts) against canned kubectl answers.
 */
import { describe, expect, it } from "vitest";
import { HTTP_REQUESTS_ERROR_RATIO } from "../apps/metrics";
import { KubeChecker, Kubectl, podHealth, ratioOf } from "../scripts/release/kube-checker";
import { CanaryObservation, Clock, ReleasePlan, ReleaseStack, runRelease, verdict } from "../scripts/release/stepper";

/** The stack config the fake keeps, as the real one would hold it. */
interface FakeConfig {
    release?: { imageTag: string; weight: number };
    imageTag: string;
}

class FakeStack implements ReleaseStack {
    readonly calls: string[] = [];
    readonly config: FakeConfig = { imageTag: "1.0.0" };
    /** The weight the last finished up applied (undefined: no release in the cluster). */
    applied?: number;
    /** up number (1-based) -> what it does instead of succeeding. */
    readonly upBehaviour = new Map<number, "fail" | "config-error" | "hang">();
    private ups = 0;

    constructor(private readonly tag = "1.1.0") {}

    async setWeight(weight: number) {
        this.calls.push(`set ${weight}`);
        this.config.release = { imageTag: this.tag, weight };
    }
    async removeRelease() {
        this.calls.push("remove");
        delete this.config.release;
    }
    async promote() {
        this.calls.push("promote");
        this.config.imageTag = this.tag;
        delete this.config.release;
    }
    async up(signal: AbortSignal) {
        this.ups += 1;
        this.calls.push("up");
        const behaviour = this.upBehaviour.get(this.ups);
        if (behaviour === "fail") throw new Error("error: resource apps/v1/Deployment api-gateway-canary was not created: timed out waiting for the condition\n  more");
        if (behaviour === "config-error") throw new Error("error: Invalid stack configuration:\n  - ticketbuster:releases.x: got ...");
        if (behaviour === "hang") {
            // The engine runs until Ctrl-C cancels it (the driver sends it SIGINT), then fails.
            await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
            throw new Error("update canceled");
        }
        this.applied = this.config.release?.weight;
    }
}

/** Answers each look with the next scripted observation (the last one repeats). */
class FakeChecker {
    readonly looks: number[] = [];
    constructor(
        private readonly clock: FakeClock,
        private readonly script: (look: number, stack: FakeStack) => CanaryObservation | Error,
        private readonly stack: FakeStack,
    ) {}
    async observe(): Promise<CanaryObservation> {
        this.looks.push(this.clock.t / 1000);
        const o = this.script(this.looks.length, this.stack);
        if (o instanceof Error) throw o;
        return o;
    }
}

class FakeClock implements Clock {
    t = 0;
    /** Called before each sleep with the time it ends; may abort. */
    onSleep?: (until: number) => void;
    now() {
        return this.t;
    }
    async sleep(ms: number, signal: AbortSignal) {
        this.onSleep?.(this.t + ms);
        if (signal.aborted) return;
        this.t += ms;
    }
}

const healthy = (n = 1, errorRate?: number | null): CanaryObservation => ({
    pods: Array.from({ length: n }, (_, i) => ({ name: `api-gateway-canary-abc-${i}`, ready: true, restarts: 0 })),
    errorRate,
});

const PLAN: ReleasePlan = { tier: "api-gateway", tag: "1.1.0", steps: [10, 50, 100], pauseSeconds: 60, intervalSeconds: 20, maxErrorRate: 0.01 };

function setup(script: (look: number, stack: FakeStack) => CanaryObservation | Error = () => healthy(2, 0)) {
    const stack = new FakeStack();
    const clock = new FakeClock();
    const checker = new FakeChecker(clock, script, stack);
    const controller = new AbortController();
    const lines: string[] = [];
    const go = (plan: Partial<ReleasePlan> = {}) =>
        runRelease(
            { ...PLAN, ...plan },
            { stack, checker, clock, log: (l) => lines.push(l), signal: controller.signal, isConfigFailure: (m) => m.includes("Invalid stack configuration") },
        );
    return { stack, clock, checker, controller, lines, go };
}

describe("a release that goes well", () => {
    it("sets each weight, runs up, watches the pause through, then promotes and runs up", async () => {
        const { stack, checker, lines, go } = setup();
        const outcome = await go();
        expect(outcome).toEqual({ result: "promoted", exitCode: 0 });
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "set 100", "up", "promote", "up"]);
        expect(stack.config).toEqual({ imageTag: "1.1.0" });
        // Looks at 0, 20, 40 and 60 s of each 60 s pause.
        expect(checker.looks).toEqual([0, 20, 40, 60, 60, 80, 100, 120, 120, 140, 160, 180]);
        expect(lines.filter((l) => l.startsWith("step "))).toEqual([
            "step 1/3: api-gateway 1.1.0 at weight 10%",
            "step 2/3: api-gateway 1.1.0 at weight 50%",
            "step 3/3: api-gateway 1.1.0 at weight 100%",
        ]);
        expect(lines).toContain("    20s  2/2 pods Ready, 0 restarts, 5xx 0.00%");
        expect(lines.at(-1)).toBe("promoted: api-gateway runs 1.1.0; the canary is gone");
    });

    it("runs blue/green as steps 0,100: green up at weight 0 and watched, then the cut-over, then promotion", async () => {
        const { stack, go } = setup(() => healthy(1, null));
        expect((await go({ steps: [0, 100], pauseSeconds: 300, intervalSeconds: 60 })).result).toBe("promoted");
        expect(stack.calls).toEqual(["set 0", "up", "set 100", "up", "promote", "up"]);
    });

    it("passes a step with no request measured, or no 5xx measure at all (a tier without metrics)", async () => {
        for (const errorRate of [null, undefined]) {
            const { go, lines } = setup(() => healthy(1, errorRate));
            expect((await go()).result).toBe("promoted");
            expect(lines.some((l) => l.includes(errorRate === null ? "no requests yet" : "5xx not measured"))).toBe(true);
        }
    });

    it("continues an interrupted release from the weight in the stack config", async () => {
        const { stack, lines, go } = setup();
        expect((await go({ resumeFrom: 50 })).result).toBe("promoted");
        expect(stack.calls).toEqual(["set 100", "up", "promote", "up"]);
        expect(lines[0]).toBe("resuming the release of api-gateway 1.1.0 at weight 50%");
    });

    it("with every step done before the interruption, watches the last weight once more and promotes", async () => {
        const { stack, go } = setup();
        expect((await go({ resumeFrom: 100 })).result).toBe("promoted");
        expect(stack.calls).toEqual(["set 100", "up", "promote", "up"]);
    });
});

describe("rollback", () => {
    it("on a canary pod that is not Ready: removes the release, runs up, says why, exit 1, no promotion", async () => {
        const { stack, lines, go } = setup((look) =>
            look < 6 ? healthy(2, 0) : { pods: [{ name: "api-gateway-canary-x-0", ready: true, restarts: 0 }, { name: "api-gateway-canary-x-1", ready: false, restarts: 0 }], errorRate: 0 },
        );
        const outcome = await go();
        expect(outcome).toEqual({ result: "rolled-back", exitCode: 1, reason: "pod not Ready: api-gateway-canary-x-1" });
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "remove", "up"]);
        expect(stack.config).toEqual({ imageTag: "1.0.0" });
        expect(stack.applied).toBeUndefined();
        expect(lines).toContain("rolling back api-gateway 1.1.0: pod not Ready: api-gateway-canary-x-1");
    });

    it("on a restart", async () => {
        const { stack, go } = setup((look) => (look === 2 ? { pods: [{ name: "p", ready: true, restarts: 1 }], errorRate: 0 } : healthy()));
        expect(await go()).toEqual({ result: "rolled-back", exitCode: 1, reason: "restarted: p (1x)" });
        expect(stack.calls).toEqual(["set 10", "up", "remove", "up"]);
    });

    it("on a 5xx share above --max-error-rate (and not at or below it)", async () => {
        const { stack, go } = setup((look) => healthy(1, look === 7 ? 0.034 : 0.01));
        const outcome = await go();
        expect(outcome).toEqual({ result: "rolled-back", exitCode: 1, reason: "5xx ratio 3.40% above the limit of 1.00% (--max-error-rate)" });
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "remove", "up"]);
    });

    it("when there is no canary pod at all", async () => {
        const { go } = setup(() => ({ pods: [] }));
        expect(await go()).toMatchObject({ result: "rolled-back", reason: "no canary pod is running" });
    });

    it("when the canary cannot be checked (fails closed)", async () => {
        const { go } = setup(() => new Error("kubectl get pods: Unable to connect to the server\nmore"));
        expect(await go()).toMatchObject({ result: "rolled-back", reason: "the canary could not be checked: kubectl get pods: Unable to connect to the server" });
    });

    it("when a step's up fails (the canary never became Ready)", async () => {
        const { stack, go } = setup();
        stack.upBehaviour.set(2, "fail");
        const outcome = await go();
        expect(outcome).toMatchObject({ result: "rolled-back", exitCode: 1 });
        expect((outcome as { reason: string }).reason).toBe(
            "the up to weight 50% failed: error: resource apps/v1/Deployment api-gateway-canary was not created: timed out waiting for the condition",
        );
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "remove", "up"]);
    });

    it("reports a failed rollback up with what to do (exit 1)", async () => {
        const { stack, go } = setup(() => ({ pods: [{ name: "p", ready: false, restarts: 0 }] }));
        stack.upBehaviour.set(2, "fail");
        const outcome = await go();
        expect(outcome).toMatchObject({ result: "failed", exitCode: 1 });
        expect((outcome as { reason: string }).reason).toMatch(/^pod not Ready: p; and the rollback's up failed: .*run npm run deploy/);
    });

    it("does not roll back a config the program refuses: restores the config, exit 2", async () => {
        const { stack, go } = setup();
        stack.upBehaviour.set(2, "config-error");
        const outcome = await go();
        expect(outcome).toMatchObject({ result: "failed", exitCode: 2 });
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "set 10"]);
        expect(stack.config.release).toEqual({ imageTag: "1.1.0", weight: 10 });
    });
});

describe("Ctrl-C", () => {
    it("while watching a step: stops, leaves that weight applied and in the config, says so; exit 1", async () => {
        const { stack, clock, controller, lines, go } = setup();
        clock.onSleep = (until) => {
            if (until > 90_000) controller.abort();
        };
        const outcome = await go();
        expect(outcome).toEqual({ result: "interrupted", exitCode: 1, appliedWeight: 50 });
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "set 50"]);
        expect(stack.applied).toBe(50);
        expect(stack.config.release).toEqual({ imageTag: "1.1.0", weight: 50 });
        expect(lines.at(-1)).toMatch(/^interrupted while watching weight 50%: the last applied weight, 50%, stays \(releases\.api-gateway\.weight = 50 in the stack config\)/);
        expect(lines.at(-1)).toContain("pulumi config rm --path releases.api-gateway && npm run deploy");
    });

    it("during an up: the engine is cancelled, the config goes back to the last applied weight", async () => {
        const { stack, controller, lines, go } = setup();
        stack.upBehaviour.set(2, "hang");
        const running = go();
        await new Promise((r) => setTimeout(r, 10));
        controller.abort();
        expect(await running).toEqual({ result: "interrupted", exitCode: 1, appliedWeight: 10 });
        expect(stack.calls).toEqual(["set 10", "up", "set 50", "up", "set 10"]);
        expect(stack.config.release).toEqual({ imageTag: "1.1.0", weight: 10 });
        expect(lines.at(-1)).toMatch(/^interrupted during the up to weight 50%: the last applied weight, 10%, stays/);
        expect(lines.at(-1)).toContain("The cancelled up may have changed part of the cluster");
    });

    it("during the first up: no weight was applied, the release leaves the config", async () => {
        const { stack, controller, lines, go } = setup();
        stack.upBehaviour.set(1, "hang");
        const running = go();
        await new Promise((r) => setTimeout(r, 10));
        controller.abort();
        expect(await running).toEqual({ result: "interrupted", exitCode: 1, appliedWeight: undefined });
        expect(stack.calls).toEqual(["set 10", "up", "remove"]);
        expect(stack.config.release).toBeUndefined();
        expect(lines.at(-1)).toMatch(/^interrupted during the up to weight 10%: no weight was applied/);
    });

    it("during the promotion's up: says the config is promoted and how to finish", async () => {
        const { stack, controller, go } = setup();
        stack.upBehaviour.set(4, "hang");
        const running = go();
        await new Promise((r) => setTimeout(r, 10));
        controller.abort();
        const outcome = await running;
        expect(outcome).toMatchObject({ result: "failed", exitCode: 1 });
        expect((outcome as { reason: string }).reason).toBe(
            "the promotion's up interrupted; the stack config is promoted (imageTags.api-gateway = 1.1.0): run npm run deploy to finish it",
        );
    });
});

describe("verdict", () => {
    const pod = (name: string, ready = true, restarts = 0) => ({ name, ready, restarts });
    it.each<[CanaryObservation, string | undefined]>([
        [{ pods: [pod("a"), pod("b")], errorRate: 0.01 }, undefined],
        [{ pods: [pod("a")], errorRate: null }, undefined],
        [{ pods: [] }, "no canary pod is running"],
        [{ pods: [pod("a", false), pod("b", false)] }, "pods not Ready: a, b"],
        [{ pods: [pod("a", true, 3)] }, "restarted: a (3x)"],
        [{ pods: [pod("a")], errorRate: 0.0101 }, "5xx ratio 1.01% above the limit of 1.00% (--max-error-rate)"],
        [{ pods: [pod("a")], errorRate: 0.5 }, "5xx ratio 50.0% above the limit of 1.00% (--max-error-rate)"],
    ])("%j -> %s", (o, expected) => expect(verdict(o, 0.01)).toBe(expected));
});

describe("the kubectl checker", () => {
    const pods = {
        items: [
            {
                metadata: { name: "api-gateway-canary-1" },
                status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ restartCount: 0 }] },
            },
            {
                metadata: { name: "api-gateway-canary-2" },
                status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }], containerStatuses: [{ restartCount: 2 }, { restartCount: 1 }] },
            },
            { metadata: { name: "api-gateway-canary-3", deletionTimestamp: "2026-01-01T00:00:00Z" }, status: { phase: "Running" } },
        ],
    };
    const prometheusService = { items: [{ metadata: { name: "monitoring-kube-prometheus-prometheus" }, spec: { ports: [{ name: "http-web", port: 9090 }] } }] };

    it("reads readiness and restarts, leaving out pods being deleted", () => {
        expect(podHealth(pods.items)).toEqual([
            { name: "api-gateway-canary-1", ready: true, restarts: 0 },
            { name: "api-gateway-canary-2", ready: false, restarts: 3 },
        ]);
    });

    it("asks for the canary's pods by its selector, and Prometheus through the API server's service proxy", async () => {
        const asked: string[][] = [];
        const kubectl: Kubectl = async (args) => {
            asked.push(args);
            if (args[1] === "pods") return { ok: true, stdout: JSON.stringify(pods), stderr: "" };
            if (args[1] === "services") return { ok: true, stdout: JSON.stringify(prometheusService), stderr: "" };
            return { ok: true, stdout: JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, "0.025"] }] } }), stderr: "" };
        };
        const checker = new KubeChecker(kubectl, { namespace: "flores-victoria", tier: "api-gateway", errorRatio: HTTP_REQUESTS_ERROR_RATIO, windowSeconds: 90 });
        const o = await checker.observe();
        expect(o.errorRate).toBe(0.025);
        expect(o.pods.map((p) => p.name)).toEqual(["api-gateway-canary-1", "api-gateway-canary-2"]);
        expect(asked[0]).toEqual(["get", "pods", "-n", "flores-victoria", "-l", "app=api-gateway,track=canary", "-o", "json"]);
        expect(asked[1]).toEqual(["get", "services", "-n", "monitoring", "-l", "app=kube-prometheus-stack-prometheus", "-o", "json"]);
        const raw = asked[2];
        expect(raw.slice(0, 2)).toEqual(["get", "--raw"]);
        const [pathPart, query] = raw[2].split("?query=");
        expect(pathPart).toBe("/api/v1/namespaces/monitoring/services/monitoring-kube-prometheus-prometheus:http-web/proxy/api/v1/query");
        expect(decodeURIComponent(query)).toBe(
            'sum(rate(http_requests_total{namespace="flores-victoria",service="api-gateway-canary",status=~"5.."}[90s])) / sum(rate(http_requests_total{namespace="flores-victoria",service="api-gateway-canary"}[90s]))',
        );
        // The Service is looked up once.
        await checker.observe();
        expect(asked.filter((a) => a[1] === "services")).toHaveLength(1);
    });

    it("measures nothing without a query (monitoring off, or a tier without metrics)", async () => {
        const kubectl: Kubectl = async (args) => ({ ok: args[1] === "pods", stdout: JSON.stringify(pods), stderr: "" });
        const o = await new KubeChecker(kubectl, { namespace: "ns", tier: "api-gateway", windowSeconds: 60 }).observe();
        expect(o.errorRate).toBeUndefined();
    });

    it("fails with kubectl's message when kubectl fails, and without a Prometheus Service", async () => {
        const failing: Kubectl = async () => ({ ok: false, stdout: "", stderr: "error: You must be logged in to the server (Unauthorized)\n" });
        await expect(new KubeChecker(failing, { namespace: "ns", tier: "t", windowSeconds: 60 }).observe()).rejects.toThrow(/Unauthorized/);
        const noPrometheus: Kubectl = async (args) => ({ ok: true, stdout: JSON.stringify(args[1] === "pods" ? pods : { items: [] }), stderr: "" });
        await expect(new KubeChecker(noPrometheus, { namespace: "ns", tier: "t", errorRatio: "x", windowSeconds: 60 }).observe()).rejects.toThrow(
            "no Prometheus Service (label app=kube-prometheus-stack-prometheus) in namespace monitoring",
        );
    });

    it("reads a Prometheus answer: a number, no series or NaN (no requests) as null, an error as an error", () => {
        expect(ratioOf({ status: "success", data: { result: [{ value: [1, "0.5"] }] } })).toBe(0.5);
        expect(ratioOf({ status: "success", data: { result: [] } })).toBeNull();
        expect(ratioOf({ status: "success", data: { result: [{ value: [1, "NaN"] }] } })).toBeNull();
        expect(() => ratioOf({ status: "error", error: "parse error at char 4" })).toThrow("Prometheus: parse error at char 4");
    });
});
