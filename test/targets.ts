import { cloudStateFor } from "./cloud-mocks";
import { plain, Registered, RunOptions, RunResult, runProgram, stackConfig } from "./harness";

export const TARGETS = ["dev", "eks", "gke"] as const;
export type Stack = (typeof TARGETS)[number];

/** The gateway/ingress class each target's stack picks by default. */
export const ROUTE_CLASS: Record<Stack, { gateway: string; ingress: string }> = {
    dev: { gateway: "traefik", ingress: "traefik" },
    eks: { gateway: "alb", ingress: "alb" },
    gke: { gateway: "gke-l7-global-external-managed", ingress: "gce" },
};

/**
 * What each target stack's file says of its routes: the DNS zone that moves their host (<app>.<dns.zone>, as
 * config/tls.ts defaultHost), and whether they are HTTPS: tls.mode where the file sets it, else the target's
 * default (local: self-signed; a cloud: managed with a zone, plain HTTP without).
 */
export const STACK_TLS = Object.fromEntries(
    TARGETS.map((stack) => {
        const file = stackConfig(stack);
        const zone = (JSON.parse(file["ticketbuster:dns"] ?? "null") as { zone?: string } | null)?.zone;
        const mode = (JSON.parse(file["ticketbuster:tls"] ?? "null") as { mode?: string } | null)?.mode;
        const local = (file["ticketbuster:target"] ?? "local") === "local";
        return [stack, { zone, https: mode !== undefined ? mode !== "off" : local || zone !== undefined }];
    }),
) as Record<Stack, { zone?: string; https: boolean }>;
/** The host an app's routes get on a stack (its catalog host, moved into the stack's zone). */
export const hostOn = (stack: Stack, appHost: string): string => {
    const zone = STACK_TLS[stack].zone;
    return zone ? `${appHost.split(".")[0]}.${zone}` : appHost;
};

/** Runs the real program on a stack with its cloud mocks (EKS/GKE outputs). */
export function runOn(stack: Stack, config: Record<string, string | undefined>, secrets: RunOptions["secrets"]): Promise<RunResult> {
    return runProgram({ stack, state: cloudStateFor(stack), config, secrets });
}

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
export const SERVICE = "kubernetes:core/v1:Service";
export const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
export const SECRET = "kubernetes:core/v1:Secret";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
export const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
export const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
export const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

export const nameOf = (r: Registered): string => plain(r.inputs).metadata.name;
/** Not one of the app's backup objects (components/backups.ts labels them component=backup): the app's own tiers. */
export const notBackup = (r: Registered): boolean => plain(r.inputs).metadata?.labels?.["app.kubernetes.io/component"] !== "backup";
export const byType = (run: RunResult, type: string) => run.resources.filter((r) => r.type === type);
/** Kubernetes name -> plain inputs, for every object of a type. */
export const objects = (run: RunResult, type: string): Record<string, any> =>
    Object.fromEntries(byType(run, type).map((r) => [nameOf(r), plain(r.inputs)]));

/** Pods each workload starts with: its replicas, or its HPA's floor when the HPA owns the count. */
export function podCounts(run: RunResult): Record<string, number> {
    const hpas = objects(run, HPA);
    const counts: Record<string, number> = {};
    for (const r of [...byType(run, DEPLOYMENT), ...byType(run, STATEFULSET)]) {
        const o = plain(r.inputs);
        counts[o.metadata.name] = o.spec.replicas ?? hpas[o.metadata.name]?.spec.minReplicas ?? 1;
    }
    return counts;
}

/** The one object of a type with this Kubernetes name (throws unless exactly one). */
export function byName(run: RunResult, type: string, name: string): Record<string, any> {
    const found = byType(run, type).filter((r) => nameOf(r) === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
    return plain(found[0].inputs);
}
export const podSpecOf = (run: RunResult, type: string, name: string) => byName(run, type, name).spec.template.spec;

export const containerOf = (run: RunResult, type: string, name: string) => objects(run, type)[name].spec.template.spec.containers[0];

/** A container's env as name -> literal value or its valueFrom. */
export const envOf = (container: any): Record<string, unknown> =>
    Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

/**
 * The in-cluster edges the NetworkPolicies allow, as "from->to:port": from the servers' ingress
 * rules (allow-to-*) or from the clients' egress rules (allow-from-*); outside destinations as CIDRs.
 */
export function allowedEdges(run: RunResult, direction: "ingress" | "egress"): string[] {
    const edges: string[] = [];
    for (const [name, p] of Object.entries<any>(objects(run, NETPOL))) {
        if (!name.startsWith(direction === "ingress" ? "allow-to-" : "allow-from-")) continue;
        const self = p.spec.podSelector.matchLabels.app;
        for (const rule of p.spec[direction]) {
            for (const peer of rule[direction === "ingress" ? "from" : "to"]) {
                const other = peer.podSelector?.matchLabels.app ?? peer.ipBlock.cidr;
                const [from, to] = direction === "ingress" ? [other, self] : [self, other];
                for (const port of rule.ports) edges.push(`${from}->${to}:${port.port}`);
            }
        }
    }
    return edges.sort();
}
