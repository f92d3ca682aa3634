/** Findings of the manifest linters and the exceptions (lint/<tool>.yaml) that explain them. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface Finding {
    /** The tool's check id (kubeconform: the validation status). */
    check: string;
    /** Kind/name of the object. */
    object: string;
    /** Where it was seen: <stack>/<app>. */
    where: string;
    message: string;
}

/** The tools whose check names the exceptions also give (scripts/lint/portable.ts runs them when their binaries are given). */
export const PORTABLE_TOOLS = ["kube-linter", "polaris"] as const;
export type PortableTool = (typeof PORTABLE_TOOLS)[number];

export interface Exception {
    check: string;
    /** Kind/name patterns (`*` matches any run of characters); none means every object. */
    objects?: string[];
    reason: string;
    /** The same exception under those tools' check names (one or several), on the same objects. */
    "kube-linter"?: string | string[];
    polaris?: string | string[];
}

/** An entry of lint/portable.yaml: what only kube-linter / Polaris report, so it has no kube-score/checkov check. */
export type PortableException = Omit<Exception, "check">;

const ROOT = path.join(__dirname, "..", "..");

/** Loads lint/<tool>.yaml; every exception must give a check and a reason. */
export function loadExceptions(tool: string): Exception[] {
    const file = path.join(ROOT, "lint", `${tool}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { exceptions?: Exception[] };
    const exceptions = doc.exceptions ?? [];
    for (const e of exceptions) {
        if (!e.check || !e.reason?.trim()) throw new Error(`${file}: every exception needs a check and a reason (${JSON.stringify(e)})`);
    }
    return exceptions;
}

const globMatch = (pattern: string, value: string) =>
    new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);

export function explains(e: Exception, f: Finding): boolean {
    return e.check === f.check && (e.objects === undefined || e.objects.some((o) => globMatch(o, f.object)));
}

export interface Tally {
    tool: string;
    /** Distinct (check, object) pairs over every stack and app. */
    findings: number;
    excepted: number;
    unexplained: Finding[];
    unusedExceptions: Exception[];
}

export function tally(tool: string, findings: Finding[], exceptions: Exception[]): Tally {
    const pairs = new Map<string, Finding>();
    for (const f of findings) if (!pairs.has(`${f.check} ${f.object}`)) pairs.set(`${f.check} ${f.object}`, f);
    const unique = [...pairs.values()];
    const unexplained = unique.filter((f) => !exceptions.some((e) => explains(e, f)));
    return {
        tool,
        findings: unique.length,
        excepted: unique.length - unexplained.length,
        unexplained,
        unusedExceptions: exceptions.filter((e) => !unique.some((f) => explains(e, f))),
    };
}

const names = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The exceptions of a portable tool, one per check name: from every entry of lint/kube-score.yaml and
 * lint/checkov.yaml that names the tool, and from lint/portable.yaml (each entry there names at least one tool).
 */
export function portableExceptions(tool: PortableTool): Exception[] {
    const file = path.join(ROOT, "lint", "portable.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { exceptions?: PortableException[] };
    const own = doc.exceptions ?? [];
    for (const e of own) {
        if (!e.reason?.trim() || PORTABLE_TOOLS.every((t) => names(e[t]).length === 0)) {
            throw new Error(`${file}: every exception needs a reason and a kube-linter or polaris check (${JSON.stringify(e)})`);
        }
    }
    return [...loadExceptions("kube-score"), ...loadExceptions("checkov"), ...own].flatMap((e) =>
        names(e[tool]).map((check) => ({ check, objects: e.objects, reason: e.reason })),
    );
}
