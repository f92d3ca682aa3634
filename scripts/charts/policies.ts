/**
 * The program's NetworkPolicies in a chart's release namespace against the chart's pods: a policy whose pod selector
 * selects none of them guards nothing (a label the chart does not set, another release name), though `kubectl apply`
 * takes it. Peers (`from`/`to`) are not checked: the pods they name may be made by an operator from the chart's custom
 * resources (kube-prometheus-stack's Alertmanager), which no render holds. Pure.
 */
import { K8sObject, namespaceOf, objectId, podTemplateOf } from "./references";

type Requirement = { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] };
interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: Requirement[];
}

/** A label selector's verdict on a set of labels (the empty selector matches every pod). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
    const pairs = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const expressions = (selector.matchExpressions ?? []).every((r) => {
        const has = r.key in labels;
        switch (r.operator) {
            case "In":
                return has && (r.values ?? []).includes(labels[r.key]);
            case "NotIn":
                return !has || !(r.values ?? []).includes(labels[r.key]);
            case "Exists":
                return has;
            case "DoesNotExist":
                return !has;
        }
    });
    return pairs && expressions;
}

/** Each NetworkPolicy the program creates in `namespace` that selects none of the render's pods there, with why. */
export function policiesSelectingNothing(render: K8sObject[], created: K8sObject[], namespace: string): string[] {
    const pods = render.filter((o) => namespaceOf(o, namespace) === namespace).flatMap((o) => {
        const pod = podTemplateOf(o);
        const labels = (pod?.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
        return pod ? [{ id: objectId(o, namespace), labels }] : [];
    });
    const out: string[] = [];
    for (const p of created) {
        if (p.kind !== "NetworkPolicy" || namespaceOf(p, namespace) !== namespace) continue;
        const selector = ((p.spec as { podSelector?: LabelSelector } | undefined)?.podSelector ?? {}) as LabelSelector;
        if (pods.some((pod) => selects(selector, pod.labels))) continue;
        out.push(
            `${objectId(p)} selects ${JSON.stringify(selector)}, which none of the chart's pods in ${namespace} matches` +
                (pods.length ? ` (${pods.map((x) => `${x.id} ${JSON.stringify(x.labels)}`).join("; ")})` : " (the chart runs no pod there)"),
        );
    }
    return out;
}
