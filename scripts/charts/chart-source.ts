/**
 * Chart sources on disk, in the layout `npm run check:charts` reads:
 *
 *   <sources>/<chart>-<version>/Chart.yaml, values.yaml, [values.schema.json], templates/, [crds/],
 *                               charts/<dependency>/...   (each dependency a chart directory, by name)
 *
 * which is what scripts/charts/extract.sh writes, and what `helm pull <repo>/<chart> --version <v>
 * --untar --untardir <sources>/<chart>-<version>` gives one level deeper (<chart>-<version>/<chart>/,
 * also accepted).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { ChartValues, JsonSchema } from "./value-keys";

interface ChartYaml {
    name?: string;
    version?: string;
    dependencies?: Array<{ name: string; alias?: string; version?: string }>;
}

const readYaml = (file: string): any => (fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) ?? {}) : {});

/** The chart directory of a pinned chart under `sources`, or why there is none. */
export function findChartDir(sources: string, chart: string, version: string): { dir: string } | { missing: string } {
    const base = path.join(sources, `${chart}-${version}`);
    for (const dir of [base, path.join(base, chart)]) {
        const meta = readYaml(path.join(dir, "Chart.yaml")) as ChartYaml;
        if (meta.name === undefined) continue;
        if (meta.name !== chart || String(meta.version) !== version) {
            return { missing: `${dir}/Chart.yaml is ${meta.name} ${meta.version}, not ${chart} ${version}` };
        }
        return { dir };
    }
    return { missing: `no ${base}/Chart.yaml` };
}

/** Defaults, schema and subcharts (by alias or name) of the chart in `dir`. */
export function loadChartValues(dir: string): ChartValues {
    const meta = readYaml(path.join(dir, "Chart.yaml")) as ChartYaml;
    const schemaFile = path.join(dir, "values.schema.json");
    const subcharts: Record<string, ChartValues> = {};
    for (const dep of meta.dependencies ?? []) {
        const subdir = path.join(dir, "charts", dep.name);
        if (!fs.existsSync(path.join(subdir, "Chart.yaml"))) throw new Error(`${dir}: dependency ${dep.name} is not in charts/${dep.name}`);
        subcharts[dep.alias ?? dep.name] = loadChartValues(subdir);
    }
    return {
        name: meta.name ?? path.basename(dir),
        defaults: readYaml(path.join(dir, "values.yaml")) ?? {},
        schema: fs.existsSync(schemaFile) ? (JSON.parse(fs.readFileSync(schemaFile, "utf8")) as JsonSchema) : undefined,
        subcharts,
        templateReads: templateReads(path.join(dir, "templates")),
    };
}

/** Every `.Values.<path>` the chart's own templates read (charts read some keys that values.yaml only shows commented out). */
function templateReads(dir: string): Set<string> {
    const reads = new Set<string>();
    if (!fs.existsSync(dir)) return reads;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
        for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) reads.add(m[1].slice(1));
    }
    return reads;
}
