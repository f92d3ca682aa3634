/**
 * `npm run deploy` as a new user meets it: no Pulumi CLI, bad options, --help. No engine needed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { isConfigFailure } from "../scripts/preflight";

const ROOT = path.join(__dirname, "..");
const DEPLOY = path.join(ROOT, "scripts", "deploy.ts");

/** Runs the CLI with a PATH that holds node and nothing else, so there is no `pulumi` to find. */
function deploy(...args: string[]) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "tb-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "tb-home-"));
    const env = { PATH: bin, HOME: home, PULUMI_HOME: path.join(home, ".pulumi") };
    return spawnSync(process.execPath, [require.resolve("tsx/cli"), DEPLOY, ...args], { cwd: ROOT, env, encoding: "utf8" });
}

describe("npm run deploy without a Pulumi CLI", () => {
    it("says the CLI is missing, with the install link, the minimum version and --install-cli; exit code 2", () => {
        const r = deploy("--stack", "dev", "--preview");
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("The Pulumi CLI is not installed");
        expect(r.stderr).toContain("https://www.pulumi.com/docs/install/");
        expect(r.stderr).toContain(`version ${require("@pulumi/pulumi/package.json").version} or later`);
        expect(r.stderr).toContain("--install-cli");
        expect(r.stderr).not.toContain("ENOENT");
    });

    it("documents the exit codes and --install-cli in --help (exit code 0)", () => {
        const r = deploy("--help");
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/--install-cli/);
        expect(r.stdout).toMatch(/0 +success/);
        expect(r.stdout).toMatch(/1 +the engine failed/);
        expect(r.stdout).toMatch(/2 +usage or config error/);
    });

    it("answers an unknown option or a missing --stack with the usage and exit code 2", () => {
        const unknown = deploy("--stack", "dev", "--frobnicate");
        expect(unknown.status).toBe(2);
        expect(unknown.stderr).toContain("--frobnicate");
        expect(unknown.stderr).toContain("usage: npm run deploy");
        const noStack = deploy("--preview");
        expect(noStack.status).toBe(2);
        expect(noStack.stderr).toContain("usage: npm run deploy");
    });

    it("documents --policy-pack and refuses a pack config without a pack (exit code 2)", () => {
        expect(deploy("--help").stdout).toMatch(/--policy-pack <dir>[\s\S]*--policy-pack-config <file>/);
        const r = deploy("--stack", "eks", "--preview", "--policy-pack-config", "policy/eks.json");
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("--policy-pack-config needs --policy-pack");
    });
});

describe("which failures are the user's config to fix (exit code 2)", () => {
    it.each([
        ["the program's validation", "error: Invalid stack configuration:\n  - ticketbuster:app: got \"nope\""],
        ["a missing key", "Missing required configuration variable 'ticketbuster:dbPassword'"],
        ["a policy pack's config", "error: validating policy config: ticketbuster 1.0.0  protected-data-volumes: protectData: Invalid type."],
    ])("%s", (_what, message) => expect(isConfigFailure(message)).toBe(true));

    it("leaves an engine failure at exit code 1", () => {
        expect(isConfigFailure("error: resource apps/v1/Deployment frontend was not created: timed out")).toBe(false);
    });
});
