/**
 * npm run lint:portable -- [--kube-linter <bin>] [--polaris <bin>] [--renders <dir>]
 *
 * Checks the exceptions' portable names (the `kube-linter:` / `polaris:` fields of lint/*.yaml and the
 * entries of lint/portable.yaml) against the tools themselves: renders every app on every stack (or
 * reads <dir>/<stack>/<app> from `npm run render`), runs each tool given (their default checks) and
 * exits 1 on any finding no portable name explains.
 *
 * Optional: scripts/lint/tools.sh installs neither, as the Go module proxy here serves neither under its
 * module path. Built from their sources: kube-linter from the module zip of
 * github.com/stackrox/kube-linter@v0.8.3 (`go mod download -json` names its Dir: copy it, then
 * `go build ./cmd/kube-linter`), Polaris from the v10.2.2 tag of github.com/FairwindsOps/polaris (`go build .`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { appNames, renderManifests, STACKS } from "../render/manifests";
import { Finding, portableExceptions, PortableTool, tally } from "./findings";
import { kubeLinter, polaris } from "./linters";

const USAGE = "usage: npm run lint:portable -- [--kube-linter <bin>] [--polaris <bin>] [--renders <dir of <stack>/<app> renders>]";

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { "kube-linter": { type: "string" }, polaris: { type: "string" }, renders: { type: "string" }, help: { type: "boolean" } },
    });
    if (values.help) return void console.log(USAGE);
    const bins: Partial<Record<PortableTool, string>> = { "kube-linter": values["kube-linter"], polaris: values.polaris };
    if (!bins["kube-linter"] && !bins.polaris) throw new Error(`give at least one tool; ${USAGE}`);
    for (const bin of Object.values(bins)) if (bin && !fs.existsSync(bin)) throw new Error(`${bin} does not exist; ${USAGE}`);

    const work = values.renders ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "tb-lint-portable-"));
    const found: Record<PortableTool, Finding[]> = { "kube-linter": [], polaris: [] };
    const perRender: string[] = [];
    const scores: number[] = [];
    let dangers = 0;
    try {
        for (const stack of STACKS) {
            for (const app of appNames()) {
                const where = `${stack}/${app}`;
                const dir = path.join(values.renders ?? work!, stack, app);
                if (work) await renderManifests({ stack, app, outDir: dir });
                else if (!fs.existsSync(dir)) throw new Error(`${dir} is missing: npm run render -- --stack ${stack} --app ${app} --out ${dir}`);
                const line = [where.padEnd(22)];
                if (bins["kube-linter"]) {
                    const f = kubeLinter(bins["kube-linter"], dir, where);
                    found["kube-linter"].push(...f);
                    line.push(`kube-linter ${String(f.length).padStart(3)}`);
                }
                if (bins.polaris) {
                    const audit = polaris(bins.polaris, dir, where);
                    found.polaris.push(...audit.findings);
                    scores.push(audit.score);
                    dangers += audit.dangers;
                    line.push(`polaris score ${audit.score}, ${audit.findings.length} failed checks, ${audit.dangers} danger`);
                }
                perRender.push(line.join("   "));
            }
        }
    } finally {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    }

    console.log("per render (findings of the tools' default checks):");
    perRender.forEach((l) => console.log(`  ${l}`));
    if (bins.polaris) console.log(`polaris: score ${Math.min(...scores)}-${Math.max(...scores)}, ${dangers} danger`);
    const tallies = (Object.keys(bins) as PortableTool[]).filter((t) => bins[t]).map((t) => tally(t, found[t], portableExceptions(t)));
    console.log(`${"tool".padEnd(12)} ${"findings".padStart(8)} ${"exceptions".padStart(10)} ${"unexplained".padStart(11)}   ((check, object) pairs)`);
    for (const t of tallies) {
        console.log(`${t.tool.padEnd(12)} ${String(t.findings).padStart(8)} ${String(t.excepted).padStart(10)} ${String(t.unexplained.length).padStart(11)}`);
    }
    for (const t of tallies) {
        for (const f of t.unexplained) console.log(`UNEXPLAINED ${t.tool}: ${f.check} on ${f.object} (${f.where}): ${f.message}`);
        for (const e of t.unusedExceptions) console.log(`note: ${t.tool} name ${e.check} ${e.objects?.join(",") ?? ""} matched nothing; fix or remove it`);
    }
    if (tallies.some((t) => t.unexplained.length > 0)) {
        console.log("Fix the objects, or give the check's name to the exception that explains it (lint/*.yaml, lint/portable.yaml).");
        process.exit(1);
    }
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exit(2);
});
