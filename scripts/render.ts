/**
 * npm run render -- --stack <dev|eks|gke|an example stack> [--app <name>] --out <dir>
 * Writes every Kubernetes object the program would create, one YAML file per object (namespace first).
 */
import * as path from "path";
import { parseArgs } from "util";
import { appNames, exampleStacks, renderManifests, STACKS } from "./render/manifests";

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, app: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    });
    const stacks: string[] = [...STACKS, ...exampleStacks()];
    const usage = `usage: npm run render -- --stack <${stacks.join("|")}> [--app <${appNames().join("|")}>] --out <dir>`;
    if (values.help) return void console.log(usage);
    const stack = values.stack;
    if (!stack || !stacks.includes(stack) || !values.out) throw new Error(usage);
    if (values.app !== undefined && !appNames().includes(values.app)) throw new Error(`unknown app "${values.app}"; ${usage}`);
    const outDir = path.resolve(values.out);
    const files = await renderManifests({ stack, app: values.app, outDir });
    console.log(`${files.length} objects of stack ${stack}${values.app ? ` (app ${values.app})` : ""} written to ${outDir}`);
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
});
