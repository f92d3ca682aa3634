/**
 * What `npm run release` reads from the stack before it changes anything (scripts/release/stack.ts
 * inspectRelease), on each stack role: an all-in-one stack's own cluster, an app stack's cluster and
 * monitoring from its platform stack's `platform` output (produced by the program under mocks, so the
 * contract is the program's, not a copy), and a platform stack refused. The stack is a stand-in for
 * the Automation API's (config and outputs only); the real one is exercised by test/e2e.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../scripts/preflight";
import { inspectRelease } from "../scripts/release/stack";
import { cloudStateFor } from "./cloud-mocks";
import { runProgram } from "./harness";

const PLATFORM = "organization/ticketbuster/platform-local";
let platformOutput: unknown;

beforeAll(async () => {
    const r = await runProgram({ stack: "platform-local", state: cloudStateFor("platform-local", {}) });
    if (r.error) throw r.error;
    platformOutput = r.outputs.platform;
}, 120_000);

/** A stack with this config (keys without the project) whose workspace knows these other stacks' outputs. */
function fakeStack(name: string, config: Record<string, string>, others: Record<string, Record<string, unknown>> = {}): Stack {
    const asked: string[] = [];
    const stack = {
        name,
        asked,
        getAllConfig: async () => Object.fromEntries(Object.entries(config).map(([k, value]) => [`ticketbuster:${k}`, { value, secret: false }])),
        outputs: async () => ({}),
        workspace: {
            stackOutputs: async (other: string) => {
                asked.push(other);
                if (!(other in others)) throw new Error(`error: no stack named '${other}' found\nmore`);
                return Object.fromEntries(Object.entries(others[other]).map(([k, value]) => [k, { value, secret: false }]));
            },
        },
    };
    return stack as unknown as Stack;
}

describe("inspectRelease on each stack role", () => {
    it("all-in-one: the stack's own kube context and add-ons", async () => {
        const stack = fakeStack("dev", { app: "bookstore", kubeContext: "kind-dev", addons: JSON.stringify({ monitoring: true }) });
        const t = await inspectRelease(stack, "gateway", "1.1.0", "/project");
        expect([t.kube.kubeconfig, t.kube.context, t.namespace, t.routed, t.currentTag]).toEqual([undefined, "kind-dev", "bookstore", true, "1.0.0"]);
        expect(t.errorRatio).toContain("5..");
        expect((stack as any).asked).toEqual([]);
    });

    it("app stack: the cluster of its platform stack's output, and monitoring because the platform runs it", async () => {
        const stack = fakeStack("bookstore-local", { platform: PLATFORM, app: "bookstore", imageTag: "1.0.0", addons: JSON.stringify({ monitoring: true }) }, { [PLATFORM]: { platform: platformOutput } });
        const t = await inspectRelease(stack, "gateway", "1.1.0", "/project");
        expect((stack as any).asked).toEqual([PLATFORM]);
        // examples/local/Pulumi.platform-local.yaml: kubeContext docker-desktop, monitoring on.
        expect([t.kube.kubeconfig, t.kube.context]).toEqual([undefined, "docker-desktop"]);
        expect(t.errorRatio).toContain("5..");
        expect([t.app.name, t.namespace, t.routed]).toEqual(["bookstore", "bookstore", true]);
    });

    it("app stack that opts out of monitoring: pod health only, no 5xx query", async () => {
        const stack = fakeStack("bookstore-local", { platform: PLATFORM, app: "bookstore", addons: JSON.stringify({ monitoring: false }) }, { [PLATFORM]: { platform: platformOutput } });
        expect((await inspectRelease(stack, "gateway", "1.1.0", "/project")).errorRatio).toBeUndefined();
    });

    it("app stack whose platform runs no monitoring: no 5xx query", async () => {
        const without = { ...(platformOutput as Record<string, any>), addons: { metricsServer: true, gateway: true, monitoring: false } };
        const stack = fakeStack("bookstore-local", { platform: PLATFORM, app: "bookstore" }, { [PLATFORM]: { platform: without } });
        expect((await inspectRelease(stack, "gateway", "1.1.0", "/project")).errorRatio).toBeUndefined();
    });

    it("app stack whose platform stack is not deployed (or has no platform output): refused before any change", async () => {
        const missing = fakeStack("bookstore-local", { platform: PLATFORM, app: "bookstore" });
        await expect(inspectRelease(missing, "gateway", "1.1.0", "/project")).rejects.toThrow(`the platform stack ${PLATFORM} of bookstore-local cannot be read (error: no stack named`);
        const empty = fakeStack("bookstore-local", { platform: PLATFORM, app: "bookstore" }, { [PLATFORM]: {} });
        await expect(inspectRelease(empty, "gateway", "1.1.0", "/project")).rejects.toThrow(UsageError);
    });

    it("platform stack (app none): refused, pointing at the app stacks", async () => {
        const stack = fakeStack("platform-local", { target: "local", app: "none" });
        await expect(inspectRelease(stack, "gateway", "1.1.0", "/project")).rejects.toThrow(
            "stack platform-local is a platform stack (app none): it deploys no app; release on an app stack that references it",
        );
    });
});
