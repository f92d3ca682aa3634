/**
 * The release driver's logic, free of Pulumi and kubectl so it can be tested with fakes: step the
 * canary's weight, `up`, watch it for a pause, roll back on the first bad sign, promote after the
 * last step. scripts/release.ts wires it to the Automation API (stack.ts) and kubectl (kube-checker.ts).
 */

export interface ReleasePlan {
    tier: string;
    tag: string;
    /** Weights in percent, strictly increasing (0 = blue/green: the new version runs, takes no traffic). */
    steps: number[];
    /** How long each step is watched. */
    pauseSeconds: number;
    /** Seconds between two looks at the canary during a pause. */
    intervalSeconds: number;
    /** Highest acceptable 5xx share, 0..1. */
    maxErrorRate: number;
    /** The release's weight in the stack config when the driver starts (a run that was interrupted). */
    resumeFrom?: number;
}

/** What the driver does to the stack: config changes (no engine) and `up`. */
export interface ReleaseStack {
    /** releases.<tier> = { imageTag: tag, weight }. */
    setWeight(weight: number): Promise<void>;
    /** releases.<tier> removed. */
    removeRelease(): Promise<void>;
    /** imageTags.<tier> = tag and releases.<tier> removed. */
    promote(): Promise<void>;
    /** `pulumi up`; rejects with the engine's error. */
    up(signal: AbortSignal): Promise<void>;
}

export interface PodHealth {
    name: string;
    ready: boolean;
    restarts: number;
}

export interface CanaryObservation {
    pods: PodHealth[];
    /** 5xx share of the canary's requests; null: no request in the window; undefined: not measured. */
    errorRate?: number | null;
}

/** One look at the running canary (kubectl and Prometheus in real life). */
export interface CanaryChecker {
    observe(): Promise<CanaryObservation>;
}

export interface Clock {
    now(): number;
    /** Resolves after ms, or early when the signal aborts. */
    sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) =>
        new Promise((resolve) => {
            if (signal.aborted) return resolve();
            const timer = setTimeout(done, ms);
            function done() {
                clearTimeout(timer);
                signal.removeEventListener("abort", done);
                resolve();
            }
            signal.addEventListener("abort", done);
        }),
};

export type ReleaseOutcome =
    | { result: "promoted"; exitCode: 0 }
    | { result: "rolled-back"; exitCode: 1; reason: string }
    | { result: "interrupted"; exitCode: 1; appliedWeight?: number }
    | { result: "failed"; exitCode: 1 | 2; reason: string };

export interface StepperDeps {
    stack: ReleaseStack;
    checker: CanaryChecker;
    clock?: Clock;
    /** Progress lines, without a trailing newline. */
    log: (line: string) => void;
    /** Ctrl-C. */
    signal: AbortSignal;
    /** An engine error that is the user's config to fix (exit 2), e.g. scripts/preflight isConfigFailure. */
    isConfigFailure?: (message: string) => boolean;
}

const percent = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)}%`;
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).trim().split("\n").find((l) => l.trim()) ?? String(e);

/** Why an observation fails the release, or undefined when it passes. */
export function verdict(o: CanaryObservation, maxErrorRate: number): string | undefined {
    if (o.pods.length === 0) return "no canary pod is running";
    const notReady = o.pods.filter((p) => !p.ready).map((p) => p.name);
    if (notReady.length > 0) return `pod${notReady.length > 1 ? "s" : ""} not Ready: ${notReady.join(", ")}`;
    const restarted = o.pods.filter((p) => p.restarts > 0);
    if (restarted.length > 0) return `restarted: ${restarted.map((p) => `${p.name} (${p.restarts}x)`).join(", ")}`;
    if (typeof o.errorRate === "number" && o.errorRate > maxErrorRate) {
        return `5xx ratio ${percent(o.errorRate)} above the limit of ${percent(maxErrorRate)} (--max-error-rate)`;
    }
    return undefined;
}

function describe(o: CanaryObservation): string {
    const ready = o.pods.filter((p) => p.ready).length;
    const restarts = o.pods.reduce((n, p) => n + p.restarts, 0);
    const errors = o.errorRate === undefined ? "5xx not measured" : o.errorRate === null ? "no requests yet" : `5xx ${percent(o.errorRate)}`;
    return `${ready}/${o.pods.length} pods Ready, ${restarts} restarts, ${errors}`;
}

type Watch = { ok: true } | { ok: false; reason: string } | { aborted: true };

/** Looks at the canary now and every interval until the pause is over; stops at the first failure. */
async function watch(plan: ReleasePlan, deps: StepperDeps, clock: Clock): Promise<Watch> {
    const start = clock.now();
    const end = start + plan.pauseSeconds * 1000;
    for (;;) {
        let observation: CanaryObservation;
        try {
            observation = await deps.checker.observe();
        } catch (e) {
            // A release that cannot be watched is not promoted.
            return { ok: false, reason: `the canary could not be checked: ${firstLine(e)}` };
        }
        const elapsed = Math.round((clock.now() - start) / 1000);
        deps.log(`  ${String(elapsed).padStart(4)}s  ${describe(observation)}`);
        const problem = verdict(observation, plan.maxErrorRate);
        if (problem) return { ok: false, reason: problem };
        const left = end - clock.now();
        if (left <= 0) return { ok: true };
        await clock.sleep(Math.min(plan.intervalSeconds * 1000, left), deps.signal);
        if (deps.signal.aborted) return { aborted: true };
    }
}

/**
 * Steps a release through plan.steps. Each step: set the weight, `up`, watch. A failing check or a
 * failing `up` rolls back: the release is removed and `up` runs, which deletes the canary's objects
 * (a deletion never waits on the canary's pods, where a weight-0 `up` that changes their count would
 * wait for them to be Ready), and the stack is exactly as before the release. After the last step:
 * promote (imageTags.<tier> = tag, release removed) and `up`. Ctrl-C leaves the last weight an `up`
 * applied, in the cluster and in the config.
 */
export async function runRelease(plan: ReleasePlan, deps: StepperDeps): Promise<ReleaseOutcome> {
    const clock = deps.clock ?? realClock;
    const { stack, log, signal } = deps;
    const configFailure = deps.isConfigFailure ?? (() => false);
    let applied = plan.resumeFrom;
    const steps = plan.resumeFrom === undefined ? plan.steps : plan.steps.filter((w) => w > plan.resumeFrom!);
    if (plan.resumeFrom !== undefined) {
        log(`resuming the release of ${plan.tier} ${plan.tag} at weight ${plan.resumeFrom}%`);
        if (steps.length === 0) steps.push(plan.resumeFrom);
    }

    /** Puts the config back to what the cluster last got from a finished `up`. */
    const restoreConfig = async () => (applied === undefined ? stack.removeRelease() : stack.setWeight(applied));
    const interrupted = async (during: string, cancelledUp = false): Promise<ReleaseOutcome> => {
        await restoreConfig();
        const partly = cancelledUp ? " The cancelled up may have changed part of the cluster; the next up (this command or npm run deploy) puts it back." : "";
        log(
            applied === undefined
                ? `interrupted ${during}: no weight was applied, and the release is out of the stack config again.${partly}`
                : `interrupted ${during}: the last applied weight, ${applied}%, stays (releases.${plan.tier}.weight = ${applied} in the stack config).${partly} ` +
                      `Run the same command again to continue, or roll back: pulumi config rm --path releases.${plan.tier} && npm run deploy`,
        );
        return { result: "interrupted", exitCode: 1, appliedWeight: applied };
    };
    const rollBack = async (reason: string): Promise<ReleaseOutcome> => {
        log(`rolling back ${plan.tier} ${plan.tag}: ${reason}`);
        log(`removing releases.${plan.tier} and running up: traffic returns to the stable version and the canary is deleted`);
        await stack.removeRelease();
        try {
            await stack.up(new AbortController().signal);
        } catch (e) {
            return { result: "failed", exitCode: 1, reason: `${reason}; and the rollback's up failed: ${firstLine(e)} (the config no longer has the release: run npm run deploy)` };
        }
        log(`rolled back: ${reason}`);
        return { result: "rolled-back", exitCode: 1, reason };
    };

    for (const [i, weight] of steps.entries()) {
        if (signal.aborted) return interrupted("before the next step");
        log(`step ${i + 1}/${steps.length}: ${plan.tier} ${plan.tag} at weight ${weight}%`);
        await stack.setWeight(weight);
        try {
            await stack.up(signal);
        } catch (e) {
            if (signal.aborted) return interrupted(`during the up to weight ${weight}%`, true);
            if (configFailure(String((e as Error).message ?? e))) {
                await restoreConfig();
                return { result: "failed", exitCode: 2, reason: `the stack config was refused: ${firstLine(e)}` };
            }
            return rollBack(`the up to weight ${weight}% failed: ${firstLine(e)}`);
        }
        applied = weight;
        log(`weight ${weight}% applied; watching the canary for ${plan.pauseSeconds}s`);
        const seen = await watch(plan, deps, clock);
        if ("aborted" in seen) return interrupted(`while watching weight ${weight}%`);
        if (!seen.ok) return rollBack(seen.reason);
    }

    log(`promoting ${plan.tier} ${plan.tag}: imageTags.${plan.tier} = ${plan.tag}, releases.${plan.tier} removed`);
    await stack.promote();
    try {
        await stack.up(signal);
    } catch (e) {
        const why = signal.aborted ? "interrupted" : `failed: ${firstLine(e)}`;
        return {
            result: "failed",
            exitCode: 1,
            reason: `the promotion's up ${why}; the stack config is promoted (imageTags.${plan.tier} = ${plan.tag}): run npm run deploy to finish it`,
        };
    }
    log(`promoted: ${plan.tier} runs ${plan.tag}; the canary is gone`);
    return { result: "promoted", exitCode: 0 };
}
