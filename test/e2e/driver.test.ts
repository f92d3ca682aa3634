/**
 * The Automation API driver (`npm run deploy`) with the real Pulumi engine and Node language host,
 * built by scripts/e2e/toolchain.sh, on a small fixture program (test/fixtures/driver-project).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { changedCount, DriverOptions, runStack } from "../../scripts/driver";
import { ENGINE_TOOLS, killEngine, useToolchain } from "../../scripts/e2e/session";
import { MOCK_KUBECONFIG } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const PROJECT_DIR = path.join(ROOT, "test", "fixtures", "driver-project");
const STACK = "driver";
const STACK_FILE = path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`);
const skip = process.env.TICKETBUSTER_SKIP_E2E === "1";

let backendDir: string;
const output: string[] = [];

async function drive(action: DriverOptions["action"], extra: Partial<DriverOptions> = {}) {
    return runStack({ stack: STACK, action, workDir: PROJECT_DIR, backendUrl: `file://${backendDir}`, onOutput: (s) => output.push(s), ...extra });
}

function stackFile(): { config: Record<string, any> } {
    return parse(fs.readFileSync(STACK_FILE, "utf8"));
}

function setPlainConfig(values: Record<string, string>): void {
    const doc = stackFile();
    for (const [k, v] of Object.entries(values)) doc.config[`ticketbuster:${k}`] = v;
    fs.writeFileSync(STACK_FILE, stringify(doc));
}

const lockFiles = () =>
    spawnSync("find", [backendDir, "-path", "*locks*", "-name", "*.json"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);

describe.skipIf(skip)("driver with the real engine", { timeout: 300_000 }, () => {
    beforeAll(() => {
        ({ backendDir } = useToolchain(ENGINE_TOOLS));
        // The fixture stack is a local-target stack: the driver checks its kube context (docker-desktop).
        process.env.KUBECONFIG = MOCK_KUBECONFIG;
        fs.rmSync(STACK_FILE, { force: true });
    });

    it("creates the stack, generates both secrets encrypted, and reports what it did", async () => {
        const up = await drive("up");
        expect(up.changes.create).toBe(4); // the stack + 3 steps
        expect(up.summary).toMatch(/^up driver: 4 create \(\d+\.\ds\)$/);
        expect(up.outputs.stepCount.value).toBe(3);
        expect(up.outputs.passwordLength.secret).toBe(true);
        expect(up.outputs.passwordLength.value).toBe(32); // 24 random bytes, base64url
        const config = stackFile().config;
        for (const key of ["ticketbuster:dbPassword", "ticketbuster:rabbitmqPassword"]) expect(config[key]).toHaveProperty("secure");
        expect(output.join("")).toContain("generated secret ticketbuster:dbPassword");
    });

    it("keeps the secrets on later runs, so a second up and a preview change nothing", async () => {
        const before = fs.readFileSync(STACK_FILE, "utf8");
        const again = await drive("up");
        expect(changedCount(again.changes)).toBe(0);
        expect((await drive("preview")).changes).toEqual({ same: 4 });
        expect(fs.readFileSync(STACK_FILE, "utf8")).toBe(before);
    });

    it("recovers from an engine killed mid-update: stale lock and pending creates", async () => {
        setPlainConfig({ count: "6", delayMs: "4000" });
        let killed = false;
        const interrupted = drive("up", {
            onEvent: (e: EngineEvent) => {
                if (killed || e.resourcePreEvent?.metadata.op !== "create") return;
                killed = true;
                // Give the engine a moment to record the pending operation, then kill the whole tree.
                setTimeout(() => killEngine(STACK), 1500);
            },
        });
        await expect(interrupted).rejects.toThrow();
        expect(killed).toBe(true);
        expect(lockFiles().length).toBeGreaterThan(0);

        output.length = 0;
        const recovered = await drive("up", { env: {} });
        const log = output.join("");
        expect(log).toContain("clearing a stale lock");
        expect(log).toContain("[deploy] the last operation was interrupted");
        expect(log).toContain("pulumi refresh --clear-pending-creates");
        expect(recovered.outputs.stepCount.value).toBe(6);
        expect(lockFiles()).toEqual([]);
        setPlainConfig({ delayMs: "0" });
        expect(changedCount((await drive("preview")).changes)).toBe(0);
    });

    const deployCli = (env: NodeJS.ProcessEnv = process.env) =>
        spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "scripts", "deploy.ts"), "--stack", STACK, "--cwd", PROJECT_DIR, "--backend", `file://${backendDir}`], {
            encoding: "utf8",
            env,
        });

    it("fails with the engine's error through the CLI; a config error exits 2", () => {
        setPlainConfig({ count: "not-a-number" });
        const r = deployCli();
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/up driver failed/);
        expect(r.stderr).toMatch(/count/);
        setPlainConfig({ count: "6" });
    });

    it("refuses a local stack whose kube context is not in the kubeconfig, naming the contexts there (exit 2)", () => {
        const r = deployCli({ ...process.env, KUBECONFIG: path.join(ROOT, "test", "fixtures", "kube", "two-contexts.yaml") });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain('the kube context "docker-desktop" is not in the kubeconfig');
        expect(r.stderr).toContain("kind-dev, staging");
        expect(r.stderr).toContain("pulumi config set kubeContext");
        expect(r.stdout).not.toContain("Updating");
    });

    it("runs the real program in the real engine: a bad config fails before any resource is registered", async () => {
        // Its own stack (gitignored file): the engine test (pulumi-kubernetes.test.ts) may be using Pulumi.e2e.yaml at the same time.
        const stackFile = path.join(ROOT, "Pulumi.e2e-bad-config.yaml");
        fs.writeFileSync(stackFile, stringify({ config: { "ticketbuster:target": "aws", "ticketbuster:imageTag": "latest" } }));
        try {
            const attempt = runStack({ stack: "e2e-bad-config", action: "up", workDir: ROOT, backendUrl: `file://${backendDir}`, onOutput: (s) => output.push(s) });
            await expect(attempt).rejects.toThrow(/ticketbuster:target: got "aws"; allowed: local, eks, gke/);
            await expect(attempt).rejects.toThrow(/ticketbuster:imageTag: got "latest"/);
            const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
            const stack = await LocalWorkspace.selectStack(
                { stackName: "e2e-bad-config", workDir: ROOT },
                { envVars: { PULUMI_BACKEND_URL: `file://${backendDir}` } },
            );
            const state = await stack.exportStack();
            const resources = (state.deployment as { resources?: unknown[] }).resources ?? [];
            // At most the root Stack resource: no provider, no Kubernetes object.
            expect(resources.filter((r) => !(r as { urn: string }).urn.includes("pulumi:pulumi:Stack"))).toEqual([]);
        } finally {
            fs.rmSync(stackFile, { force: true });
        }
    });

    it("enforces the repository's policy pack in the engine (the host's RunPlugin), and refuses a bad pack config", async () => {
        const pack = { dir: path.join(ROOT, "policy") };
        output.length = 0;
        const checked = await drive("preview", { policyPack: pack });
        expect(changedCount(checked.changes)).toBe(0);
        // The engine ran the pack (name, local path, version of policy/package.json) and found no
        // violation: its policies concern Kubernetes objects, which this fixture does not create.
        expect(output.join("")).toMatch(/Policy Packs run:[\s\S]*ticketbuster\|local\|\S*policy\s+1\.0\.0/);

        const config = path.join(backendDir, "policy-config.json");
        fs.writeFileSync(config, JSON.stringify({ "protected-data-volumes": { protectData: "yes" } }));
        await expect(drive("preview", { policyPack: { ...pack, config } })).rejects.toThrow(
            /validating policy config: ticketbuster 1\.0\.0 +protected-data-volumes: protectData: Invalid type/,
        );
    });

    it("destroys everything", async () => {
        const destroyed = await drive("destroy");
        expect(destroyed.changes.delete).toBe(7);
        fs.rmSync(STACK_FILE, { force: true });
    });

    describe("a platform stack and an app stack that references it (file backend)", () => {
        const PLATFORM = "fx-platform";
        const APP = "fx-app";
        const file = (stack: string) => path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
        const configOf = (stack: string): Record<string, unknown> => parse(fs.readFileSync(file(stack), "utf8")).config;
        const on = (stack: string, action: DriverOptions["action"], extra: Partial<DriverOptions> = {}) =>
            runStack({ stack, action, workDir: PROJECT_DIR, backendUrl: `file://${backendDir}`, onOutput: (s) => output.push(s), ...extra });

        beforeAll(() => {
            fs.writeFileSync(file(PLATFORM), stringify({ config: { "ticketbuster:app": "none", "ticketbuster:count": "1" } }));
            fs.writeFileSync(file(APP), stringify({ config: { "ticketbuster:platform": `organization/ticketbuster/${PLATFORM}`, "ticketbuster:count": "1" } }));
        });
        afterAll(() => {
            for (const stack of [PLATFORM, APP]) fs.rmSync(file(stack), { force: true });
        });

        it("generates each role's secrets: none of the app's on the platform stack, the app's on the app stack", async () => {
            const platform = await on(PLATFORM, "up");
            expect(platform.outputs.platform.value).toEqual({ version: 1, target: "local" });
            expect(Object.keys(configOf(PLATFORM)).sort()).toEqual(["ticketbuster:app", "ticketbuster:count"]);
            // No kube context check on an app stack: the cluster is its platform's (this kubeconfig has no context at all).
            const app = await on(APP, "up", { env: { KUBECONFIG: path.join(backendDir, "no-such-kubeconfig") } });
            expect(app.outputs.platformTarget.value).toBe("local");
            for (const key of ["ticketbuster:dbPassword", "ticketbuster:rabbitmqPassword"]) expect(configOf(APP)[key]).toHaveProperty("secure");
        });

        it("refuses to destroy the platform stack while the app stack still holds resources, naming it; --force overrides", async () => {
            const before = await on(PLATFORM, "preview");
            await expect(on(PLATFORM, "destroy")).rejects.toThrow(
                new RegExp(`Refusing to destroy ${PLATFORM}: app stacks still deploy onto it and would lose their cluster: ${APP} \\(\\d+ resources\\)\\. Destroy them first \\(npm run deploy -- --stack ${APP} --destroy\\), or pass --force`),
            );
            expect(changedCount(before.changes)).toBe(0);
            expect((await on(PLATFORM, "preview")).changes).toEqual(before.changes);
            await on(APP, "destroy");
            expect((await on(PLATFORM, "destroy")).changes.delete).toBeGreaterThan(0);
            // Up again, then a forced destroy under the app stack.
            await on(PLATFORM, "up");
            await on(APP, "up", { env: { KUBECONFIG: path.join(backendDir, "no-such-kubeconfig") } });
            expect((await on(PLATFORM, "destroy", { force: true })).changes.delete).toBeGreaterThan(0);
            await on(APP, "destroy");
        });
    });
});
