/**
 * npm run lint:k8s — renders every app on every stack (scripts/render/manifests.ts), runs kube-score,
 * checkov and kubeconform (installed by scripts/lint/tools.sh), subtracts the exceptions in lint/ and
 * exits 1 on any finding no exception explains.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { appNames, exampleStacks, renderManifests, STACKS } from "../render/manifests";
import { Finding, loadExceptions, Tally, tally } from "./findings";
import { checkov, kubeconform, kubeScore } from "./linters";

const ROOT = path.join(__dirname, "..", "..");

function toolsDir(): string {
    const dir = execFileSync("bash", [path.join(__dirname, "tools.sh"), "dir"], { encoding: "utf8" }).trim();
    for (const bin of ["bin/kube-score", "bin/kubeconform", "venv/bin/checkov", "schemas/.done", "crd-schemas/.done"]) {
        if (!fs.existsSync(path.join(dir, bin))) throw new Error(`${path.join(dir, bin)} is missing: run scripts/lint/tools.sh first`);
    }
    return dir;
}

function schemaVersions(): string[] {
    const env = fs.readFileSync(path.join(__dirname, "versions.env"), "utf8");
    const m = /^KUBERNETES_SCHEMA_VERSIONS="([^"]+)"/m.exec(env);
    if (!m) throw new Error("KUBERNETES_SCHEMA_VERSIONS missing from scripts/lint/versions.env");
    return m[1].split(/\s+/);
}

function kubeconformSkips(): string[] {
    const doc = parse(fs.readFileSync(path.join(ROOT, "lint", "kubeconform.yaml"), "utf8")) as { skip?: { kind: string; reason?: string }[] };
    for (const s of doc.skip ?? []) if (!s.reason?.trim()) throw new Error(`lint/kubeconform.yaml: skip of ${s.kind} has no reason`);
    return (doc.skip ?? []).map((s) => s.kind);
}

function print(t: Tally): void {
    console.log(`${t.tool.padEnd(12)} ${String(t.findings).padStart(8)} ${String(t.excepted).padStart(10)} ${String(t.unexplained.length).padStart(11)}`);
}

async function main(): Promise<void> {
    const tools = toolsDir();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "tb-lint-"));
    const found: Record<string, Finding[]> = { "kube-score": [], checkov: [], kubeconform: [] };
    // Every app on every all-in-one stack, and each platform and app stack of examples/ as its file says.
    const renders = [...STACKS.flatMap((stack) => appNames().map((app) => ({ stack, app }))), ...exampleStacks().map((stack) => ({ stack, app: undefined }))];
    try {
        for (const { stack, app } of renders) {
            const where = app ? `${stack}/${app}` : stack;
            const dir = path.join(work, stack, app ?? "as-configured");
            const rendered = await renderManifests({ stack, app, outDir: dir });
            const objectOfFile = new Map(rendered.map((r) => [path.resolve(r.file), `${r.object.kind}/${r.object.metadata.name}`]));
            found["kube-score"].push(...kubeScore(path.join(tools, "bin/kube-score"), dir, where));
            found.checkov.push(...checkov(path.join(tools, "venv/bin/checkov"), dir, where, objectOfFile));
            found.kubeconform.push(
                ...kubeconform(tools, schemaVersions(), kubeconformSkips(), dir, where),
            );
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }

    const tallies = [
        tally("kube-score", found["kube-score"], loadExceptions("kube-score")),
        tally("checkov", found.checkov, loadExceptions("checkov")),
        tally("kubeconform", found.kubeconform, []),
    ];
    console.log(`${STACKS.length} stacks x ${appNames().length} app(s) and ${exampleStacks().length} example stacks; (check, object) pairs:`);
    console.log(`${"tool".padEnd(12)} ${"findings".padStart(8)} ${"exceptions".padStart(10)} ${"unexplained".padStart(11)}`);
    tallies.forEach(print);
    for (const t of tallies) {
        for (const f of t.unexplained) console.log(`UNEXPLAINED ${t.tool}: ${f.check} on ${f.object} (${f.where}): ${f.message}`);
        for (const e of t.unusedExceptions) console.log(`note: ${t.tool} exception ${e.check} ${e.objects?.join(",") ?? ""} matched nothing; remove it if it is obsolete`);
    }
    if (tallies.some((t) => t.unexplained.length > 0)) {
        console.log("Fix the objects, or add an exception with its reason to lint/<tool>.yaml.");
        process.exit(1);
    }
}

main().catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(2);
});
