/**
 * Everything `npm run check:charts` concludes about one chart installation (one chart, one stack),
 * from its renders and the program's own objects. Pure: the helm runs happen in check.ts.
 */
import type { StableInCluster } from "../../components/addons/versions";
import { policiesSelectingNothing } from "./policies";
import { enforcedLevel, PodSecurityLevel, podSecurityViolations } from "./pod-security";
import { K8sObject, missingReferences, namespaceOf, objectId, podTemplateOf } from "./references";
import { diffRenders } from "./render-diff";
import { ChartValues, unknownValueKeys } from "./value-keys";

export type FindingKind = "missing-reference" | "unknown-value" | "pod-security" | "render-diff" | "not-pinned" | "policy-selects-nothing";

export interface Finding {
    kind: FindingKind;
    message: string;
}

export interface InstallationInput {
    release: string;
    namespace: string;
    values: Record<string, unknown>;
    chartValues: ChartValues;
    /** Two `helm template --no-hooks` renders with the same values. */
    renders: [K8sObject[], K8sObject[]];
    /** The objects of a render with hooks that carry `helm.sh/hook` (what helm.v4.Chart drops). */
    hooks: K8sObject[];
    /** The program's own Kubernetes objects (namespaces with their Pod Security labels among them). */
    created: K8sObject[];
    stableInCluster?: StableInCluster[];
}

export interface InstallationReport {
    findings: Finding[];
    /** Facts worth reading that are not defects: hooks dropped, render differences the chart resolves. */
    notes: string[];
    objects: number;
    pods: number;
}

type Dict = Record<string, unknown>;
const valueAt = (values: Dict, dotted: string): unknown =>
    dotted.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Dict)[k] : undefined), values);

/** Namespace -> enforced level, from the Namespace objects the program and the chart create; others are unlabeled. */
export function namespaceLevels(objects: K8sObject[]): Map<string, PodSecurityLevel> {
    const out = new Map<string, PodSecurityLevel>();
    for (const o of objects) if (o.kind === "Namespace" && o.metadata?.name) out.set(o.metadata.name, enforcedLevel(o.metadata.labels));
    return out;
}

export function checkInstallation(x: InstallationInput): InstallationReport {
    const [render, second] = x.renders;
    const findings: Finding[] = [];
    const notes: string[] = [];

    for (const r of missingReferences(render, x.created, x.namespace)) {
        findings.push({ kind: "missing-reference", message: `${r.from} needs ${r.kind} ${r.namespace}/${r.name} (${r.via}); neither the chart (without hooks) nor the program creates it` });
    }

    for (const k of unknownValueKeys(x.values, x.chartValues)) {
        findings.push({ kind: "unknown-value", message: `value ${k.path}: ${k.why}` });
    }

    const levels = namespaceLevels([...x.created, ...render]);
    let pods = 0;
    for (const o of render) {
        const pod = podTemplateOf(o);
        if (!pod) continue;
        pods++;
        const ns = namespaceOf(o, x.namespace) ?? x.namespace;
        const level = levels.get(ns) ?? "privileged";
        for (const v of podSecurityViolations(pod, level)) {
            findings.push({ kind: "pod-security", message: `${objectId(o, x.namespace)}: namespace ${ns} enforces "${level}": ${v.reason} (${v.detail})` });
        }
    }

    for (const message of policiesSelectingNothing(render, x.created, x.namespace)) findings.push({ kind: "policy-selects-nothing", message });

    for (const d of diffRenders(render, second, x.namespace)) {
        const known = x.stableInCluster?.find((s) => s.objects.includes(d.kindName));
        const fields = d.paths.join(", ");
        if (!known) {
            findings.push({ kind: "render-diff", message: `${d.object} differs between two renders (${fields}): a diff on every pulumi up` });
            continue;
        }
        // The program's value, else the chart's default: what the render used.
        const given = valueAt(x.values, known.requires.path);
        const actual = given !== undefined ? given : valueAt(x.chartValues.defaults, known.requires.path);
        if (actual !== known.requires.equals) {
            findings.push({
                kind: "render-diff",
                message: `${d.object} differs between two renders (${fields}) and ${known.requires.path} is ${JSON.stringify(actual)} (${given !== undefined ? "the program's value" : "the chart's default"}), not ${JSON.stringify(known.requires.equals)}: nothing keeps it stable`,
            });
        } else notes.push(`${d.object} differs between two client-side renders (${fields}); stable in the cluster: ${known.why}`);
    }

    for (const h of x.hooks) {
        notes.push(`hook not applied by helm.v4.Chart: ${objectId(h, x.namespace)} (${h.metadata?.annotations?.["helm.sh/hook"]})`);
    }
    return { findings, notes, objects: render.length, pods };
}
