import { plain, Registered, RunResult } from "./harness";

/** Reading registered Kubernetes objects in tests: by kind and name, their pod specs and env. */
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
export const SERVICE = "kubernetes:core/v1:Service";
export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export const nameOf = (r: Registered): string => plain(r.inputs).metadata?.name;
export const ofType = (run: RunResult, type: string) => run.resources.filter((r) => r.type === type);
export const byName = (run: RunResult, type: string, name: string) => {
    const found = ofType(run, type).filter((r) => nameOf(r) === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
    return plain(found[0].inputs);
};
export const podSpecOf = (run: RunResult, type: string, name: string) => byName(run, type, name).spec.template.spec;

/** Pods once settled: Deployment replicas (an HPA's floor when autoscaled) and StatefulSet replicas. */
export function podCounts(run: RunResult): Record<string, number> {
    const hpaFloor = Object.fromEntries(
        ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((h) => [plain(h.inputs).spec.scaleTargetRef.name, plain(h.inputs).spec.minReplicas]),
    );
    const counts: Record<string, number> = {};
    for (const r of [...ofType(run, DEPLOYMENT), ...ofType(run, STATEFULSET)]) {
        counts[nameOf(r)] = plain(r.inputs).spec.replicas ?? hpaFloor[nameOf(r)];
    }
    return counts;
}

/** A Deployment's env as name -> value or valueFrom. */
export const envOf = (run: RunResult, name: string): Record<string, unknown> =>
    Object.fromEntries(podSpecOf(run, DEPLOYMENT, name).containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

/** Every allowed connection as "from->to:port", read from the ingress (allow-to-*) or egress (allow-from-*) policies. */
export function policyEdges(run: RunResult, direction: "ingress" | "egress"): string[] {
    const edges: string[] = [];
    for (const r of ofType(run, NETWORK_POLICY)) {
        const { metadata, spec } = plain(r.inputs);
        if (direction === "ingress" && metadata.name.startsWith("allow-to-")) {
            for (const rule of spec.ingress) for (const port of rule.ports) edges.push(`${rule.from[0].podSelector.matchLabels.app}->${spec.podSelector.matchLabels.app}:${port.port}`);
        }
        if (direction === "egress" && metadata.name.startsWith("allow-from-")) {
            for (const rule of spec.egress) {
                const to = rule.to[0].podSelector?.matchLabels.app;
                if (to) for (const port of rule.ports) edges.push(`${spec.podSelector.matchLabels.app}->${to}:${port.port}`);
            }
        }
    }
    return edges.sort();
}
