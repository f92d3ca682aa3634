/**
 * The main command: `npm run deploy -- --stack dev [--preview | --destroy | --refresh] [--backend URL] [--cwd DIR]`.
 * Drives the Pulumi engine through the Automation API; CI calls the same module.
 */
import { parseArgs } from "util";
import { Action, runStack } from "./driver";

const USAGE = "usage: npm run deploy -- --stack <name> [--preview | --destroy | --refresh] [--backend <url>] [--cwd <dir>]";

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string", short: "s" },
            preview: { type: "boolean", default: false },
            destroy: { type: "boolean", default: false },
            refresh: { type: "boolean", default: false },
            backend: { type: "string" },
            cwd: { type: "string" },
            help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
    });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const chosen = (["preview", "destroy", "refresh"] as const).filter((a) => values[a]);
    if (!values.stack || chosen.length > 1) {
        console.error(USAGE);
        return 2;
    }
    const action: Action = chosen[0] ?? "up";
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    try {
        const result = await runStack({ stack: values.stack, action, backendUrl: values.backend, workDir: values.cwd, signal: controller.signal });
        if (action !== "destroy") {
            console.log("\nOutputs:");
            for (const [key, out] of Object.entries(result.outputs)) {
                console.log(`  ${key}: ${out.secret ? "[secret]" : JSON.stringify(out.value)}`);
            }
        }
        console.log(`\n${result.summary}`);
        return 0;
    } catch (err) {
        console.error(`\n${action} ${values.stack} failed:\n${err instanceof Error ? err.message : String(err)}`);
        return 1;
    }
}

main().then((code) => process.exit(code));
