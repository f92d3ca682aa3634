/**
 * `npm run release` as a user meets it before any engine runs: --help, bad options, no Pulumi CLI.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseSteps } from "../scripts/release";

const ROOT = path.join(__dirname, "..");
const RELEASE = path.join(ROOT, "scripts", "release.ts");

/** Runs the CLI with a PATH that holds node and nothing else, so there is no `pulumi` (nor kubectl). */
function release(...args: string[]) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "tb-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "tb-home-"));
    const env = { PATH: bin, HOME: home, PULUMI_HOME: path.join(home, ".pulumi") };
    return spawnSync(process.execPath, [require.resolve("tsx/cli"), RELEASE, ...args], { cwd: ROOT, env, encoding: "utf8" });
}

describe("npm run release", () => {
    it("documents the steps, the checks, rollback, Ctrl-C and the exit codes in --help (exit 0)", () => {
        const r = release("--help");
        expect(r.status).toBe(0);
        for (const option of ["--stack", "--tier", "--tag", "--steps", "--pause", "--max-error-rate"]) expect(r.stdout).toContain(option);
        expect(r.stdout).toContain("default 10,50,100");
        expect(r.stdout).toMatch(/rolls back/);
        expect(r.stdout).toMatch(/Ctrl-C/);
        expect(r.stdout).toMatch(/0 +promoted/);
        expect(r.stdout).toMatch(/1 +rolled back, interrupted, or the engine failed/);
        expect(r.stdout).toMatch(/2 +usage or config error/);
    });

    it.each([
        [["--stack", "dev", "--tier", "api-gateway"], "--stack, --tier and --tag are required"],
        [["--stack", "dev", "--tier", "api-gateway", "--tag", "1.1.0", "--steps", "50,10"], "--steps 50,10: weights must increase"],
        [["--stack", "dev", "--tier", "api-gateway", "--tag", "1.1.0", "--steps", "10,150"], "--steps 10,150: weights are integers 0..100"],
        [["--stack", "dev", "--tier", "api-gateway", "--tag", "1.1.0", "--max-error-rate", "5"], "--max-error-rate 5: allowed: a number 0..1"],
        [["--stack", "dev", "--tier", "api-gateway", "--tag", "1.1.0", "--pause=-1"], "--pause -1: allowed: a number >= 0"],
        [["--stack", "dev", "--tier", "api-gateway", "--tag", "1.1.0", "--frobnicate"], "--frobnicate"],
    ])("refuses %j with the reason and exit code 2", (args, message) => {
        const r = release(...args);
        expect(r.stderr).toContain(message);
        expect(r.status).toBe(2);
    });

    it("says the Pulumi CLI is missing (exit code 2) before touching the stack", () => {
        const r = release("--stack", "dev", "--tier", "api-gateway", "--tag", "1.1.0");
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("The Pulumi CLI is not installed");
    });

    it("parses --steps", () => {
        expect(parseSteps("10,50,100")).toEqual([10, 50, 100]);
        expect(parseSteps("0, 100")).toEqual([0, 100]);
        expect(() => parseSteps("10,10")).toThrow("must increase");
        expect(() => parseSteps("ten")).toThrow("integers 0..100");
        expect(() => parseSteps("")).toThrow("integers 0..100");
    });
});
