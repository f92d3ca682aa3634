/**
 * npm run check:charts -- <dir of chart sources> [--stack dev,eks,gke]
 *
 * For every chart the program installs (every `kubernetes:helm.sh/v4:Chart` registration of the real
 * program under Pulumi mocks, per stack, every add-on on), renders the pinned chart from its source
 * with the exact values the program passes, as helm.v4.Chart does (`helm template --no-hooks`), and
 * fails on:
 *   (a) a Secret/ConfigMap/ServiceAccount a pod names that neither the render nor the program creates;
 *   (b) a value key the chart does not know (values.yaml / values.schema.json, subcharts included);
 *   (c) a pod its namespace's Pod Security level (the program's `pod-security.kubernetes.io/enforce`
 *       label; none: privileged) refuses, per the v1.33 standards;
 *   (d) two renders that differ (a diff on every `pulumi up`), unless versions.ts explains why the
 *       chart keeps it stable in the cluster and the program sets the value that does it;
 *   (e) a NetworkPolicy the program puts in the chart's namespace that selects none of its pods.
 * It also lists the hooks helm.v4.Chart leaves out.
 *
 * Chart sources: see chart-source.ts for the layout and scripts/charts/extract.sh to make it from the
 * charts' git repositories. Without the directory (CI has none) it says it skips, and exits 0.
 * helm: scripts/charts/tools.sh (built from the Go module proxy at the version pulumi-kubernetes
 * vendors), or $TICKETBUSTER_HELM. Exit codes: 0 clean or skipped, 1 findings, 2 usage or setup error.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CHARTS, PinnedChart } from "../../components/addons/versions";
import { STACKS, StackName } from "../render/manifests";
import { captureStack, ChartRegistration, targetOf } from "./capture";
import { findChartDir, loadChartValues } from "./chart-source";
import { checkInstallation, Finding } from "./findings";
import { helmTemplate, HelmRun, isHook } from "./helm";
import type { K8sObject } from "./references";

const HERE = __dirname;
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

function usage(): never {
    console.error("usage: npm run check:charts -- <dir of chart sources> [--stack dev,eks,gke]");
    process.exit(2);
}

function parseArgs(argv: string[]): { dir?: string; stacks: StackName[] } {
    let dir: string | undefined;
    let stacks: StackName[] = [...STACKS];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack") {
            const wanted = (argv[++i] ?? "").split(",").filter(Boolean);
            const bad = wanted.filter((s) => !(STACKS as readonly string[]).includes(s));
            if (wanted.length === 0 || bad.length > 0) usage();
            stacks = wanted as StackName[];
        } else if (a === "--help" || a === "-h") usage();
        else if (a.startsWith("-") || dir !== undefined) usage();
        else dir = a;
    }
    return { dir, stacks };
}

function readEnv(file: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
        if (m) out[m[1]] = m[2].replace(/^"|"$/g, "");
    }
    return out;
}

/** The pinned entry of a registration (by chart name), or undefined. */
const pinnedOf = (reg: ChartRegistration): [string, PinnedChart] | undefined =>
    Object.entries(CHARTS as Record<string, PinnedChart>).find(([, c]) => c.chart === reg.chart);

/** `group/version` of every served version of the CRDs in these objects (what the cluster serves once they are applied). */
function crdApiVersions(objects: K8sObject[]): string[] {
    const out = new Set<string>();
    for (const o of objects) {
        if (o.kind !== "CustomResourceDefinition") continue;
        const spec = o.spec as { group?: string; versions?: Array<{ name: string; served?: boolean }> } | undefined;
        for (const v of spec?.versions ?? []) if (spec?.group && v.served !== false) out.add(`${spec.group}/${v.name}`);
    }
    return [...out].sort();
}

const extractHint = (dir: string, c: PinnedChart) =>
    `scripts/charts/extract.sh /work/.mirror/${c.source.github.replace("/", "+")}/repo ${c.source.path} ${c.version} ${path.join(dir, `${c.chart}-${c.version}`)}` +
    `   (mirror from the fetch tool, or any clone: git clone --bare https://github.com/${c.source.github})`;

async function main() {
    const { dir, stacks } = parseArgs(process.argv.slice(2));
    if (dir === undefined) {
        console.log("check:charts: skipped: no directory of chart sources given (CI has none; the charts are not vendored).");
        console.log("  Run it where the sources are: npm run check:charts -- <dir>; make <dir> with scripts/charts/extract.sh (see its header).");
        return 0;
    }
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        console.log(`check:charts: skipped: ${dir} is not a directory of chart sources.`);
        return 0;
    }

    const env = readEnv(path.join(HERE, "versions.env"));
    const helm = process.env.TICKETBUSTER_HELM ?? execFileSync("bash", [path.join(HERE, "tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    const helmVersion = execFileSync(helm, ["version", "--short"], { encoding: "utf8" }).trim();
    console.log(`check:charts: helm ${helmVersion} (pinned ${env.HELM_VERSION}), --kube-version ${env.KUBE_VERSION}, Pod Security Standards v1.33`);
    console.log(`  sources: ${path.resolve(dir)}; stacks: ${stacks.join(", ")}\n`);

    const failures: Array<{ where: string; finding: Finding }> = [];
    const summary = new Map<string, Map<string, string>>();
    const seen = new Set<string>();
    const sourceProblems = new Map<string, string>();

    for (const stack of stacks) {
        const target = targetOf(stack);
        const { addons, charts, created } = await captureStack(stack);
        const on = Object.entries(addons).filter(([, v]) => v).map(([k]) => k);
        console.log(`stack ${stack} (target ${target}), add-ons on: ${on.join(", ")}; ${count(charts.length, "chart")}, ${count(created.length, "program object")}`);

        // Resolve every registration to a pinned chart and its source first; render each once for its CRDs.
        const ready: Array<{ reg: ChartRegistration; pinned: PinnedChart; chartDir: string }> = [];
        for (const reg of charts) {
            const where = `${stack}: ${reg.chart} ${reg.version} (${reg.resource})`;
            const pinned = pinnedOf(reg)?.[1];
            if (!pinned || pinned.version !== reg.version || pinned.repo !== reg.repo) {
                const finding: Finding = { kind: "not-pinned", message: `${reg.chart}@${reg.version} from ${reg.repo} is not the pinned entry of components/addons/versions.ts` };
                failures.push({ where, finding });
                console.log(`  ${where}\n    FAIL ${finding.message}`);
                continue;
            }
            const src = findChartDir(dir, pinned.chart, pinned.version);
            if ("missing" in src) {
                sourceProblems.set(pinned.chart, src.missing);
                const finding: Finding = { kind: "not-pinned", message: `no source: ${src.missing}; make it with:\n      ${extractHint(dir, pinned)}` };
                failures.push({ where, finding });
                console.log(`  ${where}\n    FAIL ${finding.message}`);
                continue;
            }
            ready.push({ reg, pinned, chartDir: src.dir });
        }
        const first: HelmRun = { helm, kubeVersion: env.KUBE_VERSION, apiVersions: [] };
        const apiVersions = crdApiVersions(ready.flatMap((r) => helmTemplate(first, r.reg, r.chartDir, { hooks: false })));
        const run: HelmRun = { ...first, apiVersions };

        for (const { reg, pinned, chartDir } of ready) {
            const where = `${stack}: ${reg.chart} ${reg.version} (${reg.resource})`;
            seen.add(pinned.chart);
            const renders: [K8sObject[], K8sObject[]] = [helmTemplate(run, reg, chartDir, { hooks: false }), helmTemplate(run, reg, chartDir, { hooks: false })];
            const hooks = helmTemplate(run, reg, chartDir, { hooks: true }).filter(isHook);
            const report = checkInstallation({
                release: reg.release,
                namespace: reg.namespace,
                values: reg.values,
                chartValues: loadChartValues(chartDir),
                renders,
                hooks,
                created,
                stableInCluster: pinned.stableInCluster,
            });
            console.log(
                `  ${reg.chart} ${reg.version}: release ${reg.release} in ${reg.namespace}; ${count(report.objects, "object")}, ${count(report.pods, "pod template")}, ${count(hooks.length, "hook")} left out`,
            );
            for (const n of report.notes) console.log(`    note: ${n}`);
            for (const f of report.findings) {
                failures.push({ where, finding: f });
                console.log(`    FAIL (${f.kind}) ${f.message}`);
            }
            if (report.findings.length === 0) console.log("    clean");
            const row = summary.get(`${reg.chart} ${reg.version}`) ?? new Map<string, string>();
            row.set(stack, report.findings.length === 0 ? "clean" : count(report.findings.length, "finding"));
            summary.set(`${reg.chart} ${reg.version}`, row);
        }
        console.log("");
    }

    for (const c of Object.values(CHARTS as Record<string, PinnedChart>)) {
        if (seen.has(c.chart) || sourceProblems.has(c.chart)) continue;
        console.log(`note: ${c.chart} ${c.version} is pinned but no checked stack installs it (nothing to render).`);
    }

    console.log("summary (chart × stack):");
    const width = Math.max(...[...summary.keys()].map((k) => k.length), 10);
    console.log(`  ${"chart".padEnd(width)}  ${stacks.map((s) => s.padEnd(12)).join("")}`);
    for (const [chart, row] of [...summary.entries()].sort()) {
        console.log(`  ${chart.padEnd(width)}  ${stacks.map((s) => (row.get(s) ?? "-").padEnd(12)).join("")}`);
    }
    if (failures.length > 0) {
        console.log(`\ncheck:charts: ${count(failures.length, "finding")}.`);
        return 1;
    }
    console.log("\ncheck:charts: clean.");
    return 0;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(`check:charts: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        process.exit(2);
    },
);

