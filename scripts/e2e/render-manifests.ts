/**
 * Renders the Kubernetes objects the program would create for a stack, as YAML files that
 * `kubectl apply` understands, by evaluating the real program under Pulumi mocks (test/harness).
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { isKubernetes, plain, runProgram } from "../../test/harness";

export async function renderManifests(stack: string, outDir: string, config: Record<string, string> = {}): Promise<string[]> {
    const result = await runProgram({ stack, config });
    if (result.error) throw result.error;
    fs.mkdirSync(outDir, { recursive: true });
    const objects = result.resources.filter(isKubernetes).map((r) => plain<Record<string, any>>(r.inputs));
    // Namespace first: kubectl applies files in name order.
    objects.sort((a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"));
    return objects.map((obj, i) => {
        const file = path.join(outDir, `${String(i).padStart(3, "0")}-${obj.kind}-${obj.metadata.name}.yaml`.toLowerCase());
        fs.writeFileSync(file, stringify(obj));
        return file;
    });
}
