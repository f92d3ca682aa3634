/**
 * `pulumi up` loads index.ts through scripts/runtime/register-ts.cjs (esbuild), the tests through
 * vitest's own transform. These tests run the program the runtime's way — Pulumi's `cmd/run` with
 * Pulumi.yaml's runtime options, in a fresh Node process, registrations answered by mocks — and check
 * that it registers exactly what the tests see, and that a failure's stack trace names .ts lines.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { describe, expect, it } from "vitest";
import { PATHS, runProgramProcess, runStartup } from "../scripts/bench/startup";
import { cloudStateFor } from "./cloud-mocks";
import { runProgram } from "./harness";

interface Registration {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const key = (r: Registration) => `${r.type}::${r.name}`;
const byKey = (rs: Registration[]) => Object.fromEntries(rs.map((r) => [key(r), JSON.parse(JSON.stringify(r.inputs))]));

/** What the runtime path registers, less the Stack resource that `cmd/run` adds around the program. */
async function registeredByRuntime(stack: string, config: Record<string, string>): Promise<Registration[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tb-runtime-"));
    try {
        const dump = path.join(dir, "registrations.json");
        await runStartup(stack, PATHS.configured(), config, { PROBE_DUMP: dump });
        return (JSON.parse(fs.readFileSync(dump, "utf8")) as Registration[]).filter((r) => r.type !== "pulumi:pulumi:Stack");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("the runtime's loader (Pulumi.yaml runtime options)", () => {
    it("is esbuild through nodeargs, not ts-node", () => {
        const { runtime } = PATHS.configured();
        expect(runtime.typescript).toBe(false);
        expect(runtime.nodeargs).toBe("--require ./scripts/runtime/register-ts.cjs");
    });

    const cases: [string, Record<string, string>][] = [
        ["dev", {}],
        ["eks", {}],
        ["gke", {}],
        ["dev", { app: "proyecto06" }],
        ["dev", { app: "flores-victoria" }],
        ["dev", { app: "ticketing" }],
        ["dev", { app: "bookstore" }],
    ];
    it.each(cases)("registers on stack %s %j exactly what the tests register, inputs included", async (stack, config) => {
        const runtime = await registeredByRuntime(stack, config);
        const tests = await runProgram({ stack, config, state: cloudStateFor(stack, config) });
        expect(tests.error).toBeUndefined();
        expect(runtime.length).toBe(tests.resources.length);
        expect(runtime.length).toBeGreaterThan(30);
        expect(byKey(runtime)).toEqual(byKey(tests.resources));
    });

    it("maps a failing program's stack trace to its TypeScript lines", async () => {
        const program = path.join("test", "fixtures", "runtime", "throws.ts");
        const run = await runProgramProcess("dev", { ...PATHS.configured(), program });
        expect(run.status).not.toBe(0);
        const stderr = run.stderr.replace(/\x1b\[[0-9;]*m/g, "");
        expect(stderr).toContain("Error: replicas 3 refused");
        expect(stderr).toContain(`${program}:7:11`);
        expect(stderr).toContain(`${program}:10:1`);
    });

    it("preloads the inspect guard: an error with a node_modules/@pulumi/*.ts frame prints uncoloured, others keep colour", async () => {
        // The stack shape that sends Node 20.19+'s coloured inspect into its long loop (inspect-guard.cjs);
        // only the guarded path is run with it.
        const script = `
            const util = require("util");
            // An own property, which a coloured inspect prints in colour whatever the frames are.
            const looping = Object.assign(new Error("boom"), { code: 42 });
            looping.stack = "Error: boom\\n    at Object.<anonymous> (/app/node_modules/@pulumi/resource.ts:10:5)";
            const ordinary = Object.assign(new Error("boom"), { code: 42 });
            ordinary.stack = "Error: boom\\n    at main (/app/program.ts:3:9)";
            const ansi = (s) => /\\x1b\\[/.test(s);
            console.log(JSON.stringify({ looping: ansi(util.inspect(looping, { colors: true })), ordinary: ansi(util.inspect(ordinary, { colors: true })) }));
        `;
        const { stdout } = await promisify(execFile)(process.execPath, [...PATHS.configured().runtime.nodeargs!.split(" "), "-e", script], { cwd: path.join(__dirname, "..") });
        expect(JSON.parse(stdout)).toEqual({ looping: false, ordinary: true });
    });
});
