/**
 * `npm run release -- --stack <s> --tier <t> --tag <v> [--steps 10,50,100] [--pause 60] [--max-error-rate 0.01]`:
 * a canary (or, with --steps 0,100, blue/green) release of one tier, stepped through the stack
 * config's `releases.<tier>.weight`, watched, rolled back on failure and promoted at the end.
 * The logic is scripts/release/stepper.ts; this file wires it to the Automation API and kubectl.
 */
import { parseArgs } from "util";
import { openStack } from "./driver";
import { isConfigFailure, UsageError } from "./preflight";
import { KubeChecker, kubectlWith } from "./release/kube-checker";
import { automationReleaseStack, inspectRelease } from "./release/stack";
import { runRelease } from "./release/stepper";

const USAGE = `usage: npm run release -- --stack <name> --tier <tier> --tag <tag> [--steps 10,50,100] [--pause 60]
                          [--max-error-rate 0.01] [--interval 10] [--backend <url>] [--cwd <dir>] [--install-cli]

  --stack, -s <name>      a deployed stack (npm run deploy created it)
  --tier <tier>           the stateless tier to release (a data store cannot be)
  --tag <tag>             the new image tag; the tier's current one is the stable version
  --steps <w,w,...>       traffic weights in percent, increasing (default 10,50,100); 0 first = blue/green:
                          the new version runs and answers the header x-canary: always, and takes no traffic
  --pause <seconds>       how long each step is watched (default 60)
  --max-error-rate <r>    highest 5xx share of the canary's requests, 0..1 (default 0.01), measured in
                          Prometheus when addons.monitoring is on and the tier declares metrics
  --interval <seconds>    time between two looks at the canary during a pause (default 10)
  --backend <url>, --cwd <dir>, --install-cli   as for npm run deploy

Each step sets releases.<tier> (imageTag, weight) in the stack config and runs pulumi up, then checks the
canary's pods (all Ready, no restart) and its 5xx share until the pause is over. A failing check or up
rolls back: the release is removed and up runs (traffic back on the stable version, canary deleted).
After the last step it promotes: imageTags.<tier> = <tag>, the release removed, up.
Ctrl-C stops at the last weight an up applied and says so; the same command continues from there.

exit codes:
  0  promoted
  1  rolled back, interrupted, or the engine failed
  2  usage or config error (bad option, unknown tier, same tag, no Pulumi CLI, invalid stack config)`;

type Options = {
    stack?: string;
    tier?: string;
    tag?: string;
    steps: string;
    pause: string;
    "max-error-rate": string;
    interval: string;
    backend?: string;
    cwd?: string;
    "install-cli": boolean;
    help: boolean;
};

function parse(): Options {
    try {
        return parseArgs({
            options: {
                stack: { type: "string", short: "s" },
                tier: { type: "string" },
                tag: { type: "string" },
                steps: { type: "string", default: "10,50,100" },
                pause: { type: "string", default: "60" },
                "max-error-rate": { type: "string", default: "0.01" },
                interval: { type: "string", default: "10" },
                backend: { type: "string" },
                cwd: { type: "string" },
                "install-cli": { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
        }).values as Options;
    } catch (err) {
        throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
    }
}

/** --steps: integers 0..100, strictly increasing. */
export function parseSteps(text: string): number[] {
    const steps = text.split(",").map((s) => s.trim());
    const weights = steps.map(Number);
    if (steps.some((s) => !/^\d+$/.test(s)) || weights.some((w) => w > 100)) throw new UsageError(`--steps ${text}: weights are integers 0..100, e.g. 10,50,100`);
    if (weights.some((w, i) => i > 0 && w <= weights[i - 1])) throw new UsageError(`--steps ${text}: weights must increase, e.g. 10,50,100`);
    return weights;
}

function number(name: string, text: string, min: number, max = Infinity): number {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
        throw new UsageError(`--${name} ${text}: allowed: a number ${max === Infinity ? `>= ${min}` : `${min}..${max}`}`);
    }
    return n;
}

async function main(): Promise<number> {
    const o = parse();
    if (o.help) {
        console.log(USAGE);
        return 0;
    }
    if (!o.stack || !o.tier || !o.tag) throw new UsageError(`--stack, --tier and --tag are required\n\n${USAGE}`);
    const steps = parseSteps(o.steps);
    const pauseSeconds = number("pause", o.pause, 0);
    const maxErrorRate = number("max-error-rate", o["max-error-rate"], 0, 1);
    const intervalSeconds = number("interval", o.interval, 1);

    const location = { stack: o.stack, backendUrl: o.backend, workDir: o.cwd, installCli: o["install-cli"] };
    let stack;
    try {
        stack = await openStack(location, true);
    } catch (err) {
        if (err instanceof UsageError) throw err;
        if (/no stack named|not found/i.test((err as Error).message)) throw new UsageError(`stack ${o.stack} does not exist: deploy it first (npm run deploy -- --stack ${o.stack})`);
        throw err;
    }
    const target = await inspectRelease(stack, o.tier, o.tag, o.cwd ?? process.cwd());
    const log = (line: string) => console.log(`[release] ${line}`);
    log(
        `${target.app.name}/${o.tier}: ${target.currentTag} -> ${o.tag}, steps ${steps.join("%, ")}%, ${pauseSeconds}s each; ` +
            (target.routed ? "routed tier: the HTTPRoute weighs stable and canary" : "internal tier: its Service's pods are shared by replica count"),
    );
    log(target.errorRatio ? `checks: pods Ready, no restarts, 5xx share <= ${maxErrorRate * 100}% (Prometheus)` : "checks: pods Ready, no restarts (no 5xx measure: monitoring off or the tier declares no metrics)");

    // The canary is watched with kubectl: make sure it works before the first step changes anything.
    const kubectl = kubectlWith(target.kube);
    const reach = await kubectl(["get", "namespace", target.namespace, "-o", "name"]);
    if (!reach.ok) {
        target.kube.cleanup();
        throw new UsageError(`kubectl cannot read namespace ${target.namespace}, so the canary could not be watched: ${reach.stderr.trim() || "is kubectl on PATH?"}`);
    }

    const controller = new AbortController();
    process.once("SIGINT", () => {
        log("Ctrl-C: stopping after the current operation (a running up is cancelled); Ctrl-C again kills the driver");
        controller.abort();
    });
    try {
        const outcome = await runRelease(
            { tier: o.tier, tag: o.tag, steps, pauseSeconds, intervalSeconds, maxErrorRate, resumeFrom: target.existing?.weight },
            {
                stack: automationReleaseStack(stack, { location, tier: o.tier, tag: o.tag, onOutput: (s) => process.stdout.write(s) }),
                checker: new KubeChecker(kubectl, {
                    namespace: target.namespace,
                    tier: o.tier,
                    errorRatio: target.errorRatio,
                    // At least two 30 s scrapes in the window.
                    windowSeconds: Math.max(60, pauseSeconds),
                }),
                log,
                signal: controller.signal,
                isConfigFailure,
            },
        );
        if (outcome.result === "rolled-back" || outcome.result === "failed") console.error(`\nrelease ${o.tier} ${o.tag} ${outcome.result}: ${outcome.reason}`);
        else console.log(`\nrelease ${o.tier} ${o.tag}: ${outcome.result}`);
        return outcome.exitCode;
    } finally {
        target.kube.cleanup();
    }
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (err) => {
            if (!(err instanceof UsageError)) {
                console.error(err instanceof Error ? err.message : String(err));
                process.exit(isConfigFailure(String((err as Error)?.message)) ? 2 : 1);
            }
            console.error(err.message);
            process.exit(err.exitCode);
        },
    );
}
