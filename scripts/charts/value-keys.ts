/**
 * Value keys a chart does not know. A key is known when the chart's values.yaml has it or its
 * values.schema.json declares it, at the same path; subcharts' keys under their name (or alias), with
 * the parent's overrides; `global` against every chart's globals. Some maps are open (any key goes):
 * a default of `{}`, a schema that allows additional properties, a key that passes a Kubernetes
 * object or a user map through verbatim (FREE_FORM_KEYS), or a slot whose default is null.
 * Lists are not walked (their items are free-form in every chart checked). Pure.
 */

export type JsonSchema = {
    $ref?: string;
    type?: string | string[];
    properties?: Record<string, JsonSchema>;
    patternProperties?: Record<string, JsonSchema>;
    additionalProperties?: boolean | JsonSchema;
    allOf?: JsonSchema[];
    anyOf?: JsonSchema[];
    oneOf?: JsonSchema[];
    [k: string]: unknown;
} | boolean;

/** What the walk needs of a chart: defaults, schema, and subcharts by the key their values live under. */
export interface ChartValues {
    name: string;
    defaults: Record<string, unknown>;
    schema?: JsonSchema;
    subcharts: Record<string, ChartValues>;
    /**
     * The `.Values` paths the chart's templates read (relative to its own values): a key a template
     * reads is known even where values.yaml only documents it in a comment.
     */
    templateReads?: ReadonlySet<string>;
}

export interface UnknownKey {
    /** Dotted path from the chart's root values, e.g. `grafana.sidecar.dashboards.lable`. */
    path: string;
    why: string;
}

/**
 * Keys whose value the charts pass into a Kubernetes object verbatim (`toYaml`), or that hold the
 * user's own labels/annotations/arguments: any key inside them is the Kubernetes API's or the user's.
 */
export const FREE_FORM_KEYS: ReadonlySet<string> = new Set([
    "annotations",
    "labels",
    "podAnnotations",
    "podLabels",
    "commonLabels",
    "extraLabels",
    "nodeSelector",
    "affinity",
    "tolerations",
    "topologySpreadConstraints",
    "resources",
    "securityContext",
    "podSecurityContext",
    "containerSecurityContext",
    "extraArgs",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
]);

type Dict = Record<string, unknown>;
const isMap = (v: unknown): v is Dict => v !== null && typeof v === "object" && !Array.isArray(v);

/** Deep merge for defaults: b's maps over a's (what Helm does with a parent's overrides of a subchart). */
export function mergeDefaults(a: unknown, b: unknown): unknown {
    if (!isMap(a) || !isMap(b)) return b === undefined ? a : b;
    const out: Dict = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = mergeDefaults(a[k], v);
    return out;
}

interface SchemaLookup {
    /** The schema declares (or admits) the key. */
    found: boolean;
    /** Anything goes below it. */
    open: boolean;
    schema?: JsonSchema;
}

function deref(s: JsonSchema | undefined, root: JsonSchema | undefined, depth = 0): JsonSchema | undefined {
    if (!isMap(s) || typeof s.$ref !== "string" || depth > 20) return s;
    if (!s.$ref.startsWith("#/")) return true; // a remote schema: nothing to check against here
    let target: unknown = root;
    for (const part of s.$ref.slice(2).split("/")) target = isMap(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    return deref(target as JsonSchema | undefined, root, depth + 1);
}

/** The schema itself and its allOf/anyOf/oneOf members, dereferenced. */
function members(s: JsonSchema | undefined, root: JsonSchema | undefined): Exclude<JsonSchema, boolean>[] {
    const d = deref(s, root);
    if (!isMap(d)) return [];
    const out: Exclude<JsonSchema, boolean>[] = [d];
    for (const k of ["allOf", "anyOf", "oneOf"] as const) for (const m of d[k] ?? []) out.push(...members(m, root));
    return out;
}

/** Does the schema admit any key (no declared properties and no additionalProperties: false)? */
function schemaIsOpen(s: JsonSchema | undefined, root: JsonSchema | undefined): boolean {
    const d = deref(s, root);
    if (d === true) return true;
    const ms = members(d, root);
    if (ms.length === 0) return false;
    if (ms.some((m) => m.additionalProperties === true || isMap(m.additionalProperties))) return true;
    return ms.every((m) => !m.properties && !m.patternProperties && m.additionalProperties === undefined);
}

function schemaProperty(s: JsonSchema | undefined, key: string, root: JsonSchema | undefined): SchemaLookup {
    if (s === undefined) return { found: false, open: false };
    for (const m of members(s, root)) {
        const p = m.properties?.[key];
        if (p !== undefined) return { found: true, open: schemaIsOpen(p, root) && !hasProperties(p, root), schema: p };
        for (const [re, ps] of Object.entries(m.patternProperties ?? {})) {
            if (new RegExp(re).test(key)) return { found: true, open: schemaIsOpen(ps, root) && !hasProperties(ps, root), schema: ps };
        }
    }
    if (schemaIsOpen(s, root)) return { found: true, open: true };
    return { found: false, open: false };
}
const hasProperties = (s: JsonSchema | undefined, root: JsonSchema | undefined) => members(s, root).some((m) => m.properties || m.patternProperties);

/** Where a walk is: the dotted path from the root values, and from the values of the chart being walked. */
interface At {
    path: string;
    own: string;
    reads?: ReadonlySet<string>;
}
const join = (a: string, key: string) => (a ? `${a}.${key}` : key);

function walk(values: Dict, defaults: unknown, schema: JsonSchema | undefined, root: JsonSchema | undefined, at: At, out: UnknownKey[]): void {
    const unknown = `not in the chart's values.yaml${root !== undefined ? " nor its values.schema.json" : ""} and no template reads it`;
    for (const [key, value] of Object.entries(values)) {
        const p = join(at.path, key);
        const own = join(at.own, key);
        const inDefaults = isMap(defaults) && key in defaults;
        const def = isMap(defaults) ? defaults[key] : undefined;
        const sch = schemaProperty(schema, key, root);
        if (!inDefaults && !sch.found) {
            // Read by a template though undocumented (or only in a comment): known. A map whose keys the
            // templates read one by one is walked against those reads; one read whole is the template's to judge.
            const reads = [...(at.reads ?? [])];
            const readWhole = reads.includes(own);
            if (!readWhole && !reads.some((r) => r.startsWith(`${own}.`))) out.push({ path: p, why: unknown });
            else if (isMap(value) && !readWhole) walk(value, undefined, undefined, root, { ...at, path: p, own }, out);
            continue;
        }
        if (!isMap(value)) continue;
        if (FREE_FORM_KEYS.has(key) || sch.open || (isMap(def) && Object.keys(def).length === 0)) continue;
        if (def === null || (def === undefined && sch.schema === undefined)) continue;
        if (def !== undefined && !isMap(def) && !(sch.schema !== undefined && hasProperties(sch.schema, root))) {
            out.push({ path: p, why: `a map, where the chart's default is ${Array.isArray(def) ? "a list" : `a ${typeof def}`}` });
            continue;
        }
        walk(value, def, sch.schema, root, { ...at, path: p, own }, out);
    }
}

/** Every chart's `global` defaults in the tree, merged. */
function globals(chart: ChartValues): unknown {
    let g: unknown = isMap(chart.defaults.global) ? chart.defaults.global : {};
    for (const sub of Object.values(chart.subcharts)) g = mergeDefaults(g, globals(sub));
    return g;
}

function walkChart(values: Dict, chart: ChartValues, path: string, out: UnknownKey[], allGlobals: unknown): void {
    const own: Dict = {};
    for (const [key, value] of Object.entries(values)) {
        const p = path ? `${path}.${key}` : key;
        const sub = chart.subcharts[key];
        if (key === "global" && isMap(value)) walk(value, allGlobals, undefined, undefined, { path: p, own: "global" }, out); // globals have no schema
        else if (sub && isMap(value)) {
            const withOverrides: ChartValues = { ...sub, defaults: mergeDefaults(sub.defaults, chart.defaults[key]) as Dict };
            walkChart(value, withOverrides, p, out, allGlobals);
        } else own[key] = value;
    }
    walk(own, chart.defaults, chart.schema, chart.schema, { path, own: "", reads: chart.templateReads }, out);
}

/** The keys of `values` (what the program passes) that the chart does not know. */
export function unknownValueKeys(values: Record<string, unknown>, chart: ChartValues): UnknownKey[] {
    const out: UnknownKey[] = [];
    walkChart(values, chart, "", out, globals(chart));
    return out.sort((a, b) => a.path.localeCompare(b.path));
}
