/** Runs each linter on one directory of rendered manifests and returns its findings (machine-readable output). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Finding } from "./findings";

function run(cmd: string, args: string[], env: Record<string, string> = {}): string {
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
    if (r.error) throw r.error;
    // The linters exit 1 when they find something (Polaris exits 0); anything else, or no output, is a failure of the tool itself.
    if ((r.status !== 0 && r.status !== 1) || !r.stdout.trim()) {
        throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-2000)}`);
    }
    return r.stdout;
}

const yamlFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => path.join(dir, f));

/** kube-score grades: 1 critical, 5 warning, 7 almost OK, 10 OK. Findings are warnings and criticals. */
const KUBE_SCORE_ALMOST_OK = 7;

export function kubeScore(bin: string, dir: string, where: string): Finding[] {
    const objects = JSON.parse(run(bin, ["score", "--output-format", "json", ...yamlFiles(dir)])) as {
        type_meta: { kind: string };
        object_meta: { name: string };
        checks: { check: { id: string }; grade: number; skipped: boolean; comments: { summary: string }[] | null }[];
    }[] | null;
    // null when no object of the render is one kube-score scores (a platform stack's namespaces and classes).
    return (objects ?? []).flatMap((o) =>
        o.checks
            .filter((c) => !c.skipped && c.grade < KUBE_SCORE_ALMOST_OK)
            .map((c) => ({
                check: c.check.id,
                object: `${o.type_meta.kind}/${o.object_meta.name}`,
                where,
                message: (c.comments ?? []).map((x) => x.summary).join("; "),
            })),
    );
}

/**
 * checkov also reports on the pod template of a workload as a derived "Pod.<ns>.<name>.<labels>" entity:
 * findings are attributed to the object of the file they come from (one object per rendered file).
 */
export function checkov(bin: string, dir: string, where: string, objectOfFile: Map<string, string>): Finding[] {
    // BC_SKIP_MAPPING and --skip-download: no call to the vendor's API (there is no network in CI).
    const out = JSON.parse(
        run(bin, ["--framework", "kubernetes", "-d", dir, "-o", "json", "--quiet", "--compact", "--skip-download"], { BC_SKIP_MAPPING: "TRUE" }),
    );
    const reports = (Array.isArray(out) ? out : [out]) as {
        results: { failed_checks: { check_id: string; check_name: string; resource: string; file_abs_path: string }[] };
    }[];
    return reports.flatMap((r) =>
        r.results.failed_checks.map((c) => ({
            check: c.check_id,
            object: objectOfFile.get(path.resolve(c.file_abs_path)) ?? c.resource,
            where,
            message: c.check_name,
        })),
    );
}

/** tools: the cache of scripts/lint/tools.sh, with schemas/ (built-in kinds) and crd-schemas/ (CRDs). */
export function kubeconform(tools: string, versions: string[], skip: string[], dir: string, where: string): Finding[] {
    const builtIn = path.join(tools, "schemas", "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}", "{{.ResourceKind}}{{.KindSuffix}}.json");
    const crds = path.join(tools, "crd-schemas", "{{.Group}}", "{{.ResourceKind}}_{{.ResourceAPIVersion}}.json");
    return versions.flatMap((version) => {
        const args = ["-strict", "-output", "json", "-kubernetes-version", version, "-schema-location", builtIn, "-schema-location", crds];
        if (skip.length > 0) args.push("-skip", skip.join(","));
        const out = JSON.parse(run(path.join(tools, "bin", "kubeconform"), [...args, dir])) as { resources: { kind: string; name: string; status: string; msg: string }[] };
        return out.resources
            .filter((r) => r.status !== "statusValid" && r.status !== "statusSkipped" && r.status !== "statusEmpty")
            .map((r) => ({ check: r.status, object: `${r.kind}/${r.name}`, where: `${where} (Kubernetes ${version})`, message: r.msg }));
    });
}

/** kube-linter's JSON report (its default checks: no .kube-linter.yaml is read from the repository). */
export function parseKubeLinter(json: string, where: string): Finding[] {
    const out = JSON.parse(json) as {
        Reports: { Check: string; Object: { K8sObject: { Name: string; GroupVersionKind: { Kind: string } } }; Diagnostic: { Message: string } }[] | null;
    };
    return (out.Reports ?? []).map((r) => ({
        check: r.Check,
        object: `${r.Object.K8sObject.GroupVersionKind.Kind}/${r.Object.K8sObject.Name}`,
        where,
        message: r.Diagnostic.Message,
    }));
}

export function kubeLinter(bin: string, dir: string, where: string): Finding[] {
    return parseKubeLinter(run(bin, ["lint", "--format", "json", dir]), where);
}

interface PolarisResultSet {
    [id: string]: { ID: string; Message: string; Success: boolean; Severity: string };
}

export interface PolarisAudit {
    findings: Finding[];
    /** Polaris' score of the directory, 0-100. */
    score: number;
    /** Failed checks of severity danger. */
    dangers: number;
}

/** Polaris' JSON audit: every failed check, whether on the controller, its pod spec or a container. */
export function parsePolaris(json: string, where: string): PolarisAudit {
    const out = JSON.parse(json) as {
        Score: number;
        Results: { Kind: string; Name: string; Results: PolarisResultSet | null; PodResult?: { Results: PolarisResultSet | null; ContainerResults: { Name: string; Results: PolarisResultSet | null }[] | null } | null }[] | null;
    };
    const findings: Finding[] = [];
    let dangers = 0;
    for (const r of out.Results ?? []) {
        const sets: [PolarisResultSet | null, string][] = [[r.Results, ""], [r.PodResult?.Results ?? null, ""]];
        for (const c of r.PodResult?.ContainerResults ?? []) sets.push([c.Results, ` (container ${c.Name})`]);
        for (const [set, container] of sets) {
            for (const m of Object.values(set ?? {})) {
                if (m.Success) continue;
                if (m.Severity === "danger") dangers++;
                findings.push({ check: m.ID, object: `${r.Kind}/${r.Name}`, where, message: `${m.Severity}: ${m.Message}${container}` });
            }
        }
    }
    return { findings, score: out.Score, dangers };
}

export function polaris(bin: string, dir: string, where: string): PolarisAudit {
    return parsePolaris(run(bin, ["audit", "--audit-path", dir, "--format", "json"]), where);
}
