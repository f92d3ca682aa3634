/**
 * `helm template` as helm.v4.Chart runs it (pulumi-kubernetes provider/pkg/provider/helm/v4/chart.go):
 * release name and namespace from the Chart's inputs, the values as given, CRDs included unless
 * skipCrds, hooks left out. What the check cannot reproduce: the provider renders with
 * `--dry-run=server` against the cluster (lookup() sees live objects, and the cluster's version and
 * API groups are the capabilities); here lookup() finds nothing and the capabilities are
 * `--kube-version` and the API groups the program installs.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type { ChartRegistration } from "./capture";
import type { K8sObject } from "./references";

export interface HelmRun {
    helm: string;
    kubeVersion: string;
    /** Extra API groups/versions the cluster serves (`--api-versions`). */
    apiVersions: string[];
}

export function helmTemplate(run: HelmRun, reg: ChartRegistration, chartDir: string, opts: { hooks: boolean }): K8sObject[] {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-charts-"));
    try {
        const valuesFile = path.join(tmp, "values.json");
        fs.writeFileSync(valuesFile, JSON.stringify(reg.values));
        const args = ["template", reg.release, chartDir, "--namespace", reg.namespace, "--values", valuesFile, "--kube-version", run.kubeVersion];
        if (!opts.hooks) args.push("--no-hooks");
        if (reg.includeCrds) args.push("--include-crds");
        for (const api of run.apiVersions) args.push("--api-versions", api);
        const out = execFileSync(run.helm, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
        return parseManifest(out);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function parseManifest(yaml: string): K8sObject[] {
    const out: K8sObject[] = [];
    for (const doc of parseAllDocuments(yaml)) {
        if (doc.errors.length > 0) throw new Error(`helm output is not YAML: ${doc.errors[0].message}`);
        const o = doc.toJS({ maxAliasCount: -1 }) as K8sObject | null;
        if (o && typeof o === "object" && o.kind) out.push(o);
    }
    return out;
}

export const isHook = (o: K8sObject) => o.metadata?.annotations?.["helm.sh/hook"] !== undefined;
