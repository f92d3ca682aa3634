/**
 * The release driver's hold on a stack (scripts/release/stack.ts) with the real Pulumi CLI and engine
 * (scripts/e2e/toolchain.sh), on the driver's fixture project (no Kubernetes provider needed): what
 * `pulumi config set --path` really writes for a release, what the program's schema reads back, and
 * runRelease through real `up`s with an injected canary checker.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APPS } from "../../apps";
import { releasesSchema } from "../../config/releases";
import { openStack } from "../../scripts/driver";
import { ENGINE_TOOLS, hasTools, useToolchain } from "../../scripts/e2e/session";
import { UsageError } from "../../scripts/preflight";
import { automationReleaseStack, inspectRelease } from "../../scripts/release/stack";
import { CanaryObservation, runRelease } from "../../scripts/release/stepper";
import { MOCK_KUBECONFIG } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const PROJECT_DIR = path.join(ROOT, "test", "fixtures", "driver-project");
const STACK = "release";
const STACK_FILE = path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`);
const skip = process.env.TICKETBUSTER_SKIP_E2E === "1" || !hasTools(ENGINE_TOOLS);

let backendDir: string;
let stack: Stack;
const output: string[] = [];

const stackConfig = (): Record<string, any> => (parse(fs.readFileSync(STACK_FILE, "utf8")) as { config: Record<string, any> }).config;
const location = () => ({ stack: STACK, workDir: PROJECT_DIR, backendUrl: `file://${backendDir}` });
const release = (tag: string) => automationReleaseStack(stack, { location: location(), tier: "api-gateway", tag, onOutput: (s) => output.push(s) });
const never = new AbortController().signal;

describe.skipIf(skip)("release driver with the real engine", { timeout: 300_000 }, () => {
    beforeAll(async () => {
        ({ backendDir } = useToolchain(ENGINE_TOOLS));
        process.env.KUBECONFIG = MOCK_KUBECONFIG;
        fs.rmSync(STACK_FILE, { force: true });
        stack = await openStack(location());
        await stack.setConfig("ticketbuster:app", { value: "flores-victoria" });
        await stack.setConfig("ticketbuster:target", { value: "local" });
        await stack.setConfig("ticketbuster:addons", { value: "{}" });
        // The fixture program also reads rabbitmqPassword, which flores-victoria does not generate.
        await stack.setConfig("ticketbuster:rabbitmqPassword", { value: "fixture-only", secret: true });
        // The fixture needs its secrets and one up: the driver generates them.
        await release("1.1.0").up(never);
    });

    it("writes releases.<tier> with --path: the tag as a string, the weight as a number, which the program's schema reads", async () => {
        await release("1.1.0").setWeight(10);
        expect(stackConfig()["ticketbuster:releases"]).toEqual({ "api-gateway": { imageTag: "1.1.0", weight: 10 } });
        const value = (await stack.getAllConfig())["ticketbuster:releases"].value;
        expect(releasesSchema(APPS["flores-victoria"]).parse(JSON.parse(value))).toEqual({
            "api-gateway": { imageTag: "1.1.0", weight: 10, header: { name: "x-canary", value: "always" } },
        });
    });

    it("stores an all-digit tag as a number (the CLI's --path rule), which the schema reads back as the tag", async () => {
        await release("1234567").setWeight(50);
        expect(stackConfig()["ticketbuster:releases"]).toEqual({ "api-gateway": { imageTag: 1234567, weight: 50 } });
        const value = (await stack.getAllConfig())["ticketbuster:releases"].value;
        expect(releasesSchema(APPS["flores-victoria"]).parse(JSON.parse(value))["api-gateway"].imageTag).toBe("1234567");
    });

    it("reads the release from the stack: routed tier, current tag, kube context, a release in progress", async () => {
        await release("1.1.0").setWeight(10);
        const target = await inspectRelease(stack, "api-gateway", "1.1.0", PROJECT_DIR);
        expect(target.routed).toBe(true);
        expect(target.currentTag).toBe("1.0.0");
        expect(target.namespace).toBe("flores-victoria");
        expect(target.existing).toEqual({ imageTag: "1.1.0", weight: 10 });
        expect(target.errorRatio).toBeUndefined(); // monitoring off
        expect(target.kube.context).toBe("docker-desktop");
        await expect(inspectRelease(stack, "api-gateway", "2.0.0", PROJECT_DIR)).rejects.toThrow(/a release of api-gateway to 1\.1\.0 \(weight 10%\) is in the stack config/);
        await expect(inspectRelease(stack, "postgres", "2.0.0", PROJECT_DIR)).rejects.toThrow(UsageError);
        await expect(inspectRelease(stack, "auth-service", "1.0.0", PROJECT_DIR)).rejects.toThrow("--tag 1.0.0: auth-service already runs 1.0.0");
    });

    it("promotes: imageTags.<tier> = tag and no releases key left", async () => {
        await release("1.1.0").promote();
        const config = stackConfig();
        expect(config["ticketbuster:imageTags"]).toEqual({ "api-gateway": "1.1.0" });
        expect(config).not.toHaveProperty("ticketbuster:releases");
    });

    it("steps a release through real ups and rolls it back: the stack config ends as it began", async () => {
        const before = stackConfig();
        const looks: number[] = [];
        const checker = {
            async observe(): Promise<CanaryObservation> {
                looks.push(looks.length);
                return looks.length < 2 ? { pods: [{ name: "c", ready: true, restarts: 0 }] } : { pods: [{ name: "c", ready: true, restarts: 2 }] };
            },
        };
        const lines: string[] = [];
        const outcome = await runRelease(
            { tier: "api-gateway", tag: "1.2.0", steps: [10, 50], pauseSeconds: 0, intervalSeconds: 1, maxErrorRate: 0.01 },
            { stack: release("1.2.0"), checker, log: (l) => lines.push(l), signal: never },
        );
        expect(outcome).toEqual({ result: "rolled-back", exitCode: 1, reason: "restarted: c (2x)" });
        expect(stackConfig()).toEqual(before);
        expect(output.filter((l) => /^up release: /.test(l))).not.toHaveLength(0);
    });

    it("steps a release to promotion through real ups", async () => {
        const checker = { observe: async (): Promise<CanaryObservation> => ({ pods: [{ name: "c", ready: true, restarts: 0 }], errorRate: null }) };
        const outcome = await runRelease(
            { tier: "api-gateway", tag: "1.2.0", steps: [25, 100], pauseSeconds: 0, intervalSeconds: 1, maxErrorRate: 0.01 },
            { stack: release("1.2.0"), checker, log: () => undefined, signal: never },
        );
        expect(outcome).toEqual({ result: "promoted", exitCode: 0 });
        expect(stackConfig()["ticketbuster:imageTags"]).toEqual({ "api-gateway": "1.2.0" });
        expect(stackConfig()).not.toHaveProperty("ticketbuster:releases");
        fs.rmSync(STACK_FILE, { force: true });
    });
});
