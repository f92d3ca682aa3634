import type * as k8s from "@pulumi/kubernetes";
import { createHash } from "crypto";
import type { HealthCheck, HealthSpec, PortSpec } from "../apps/types";

type Container = k8s.types.input.core.v1.Container;
type ContainerPort = k8s.types.input.core.v1.ContainerPort;
type ServicePort = k8s.types.input.core.v1.ServicePort;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** Which app a workload belongs to, and which deployment of it (the namespace). */
export interface Ownership {
    partOf: string;
    /** One deployment of the app: its namespace. */
    instance: string;
}

/** The recommended labels plus `app`, which the guides' `kubectl -l app=...` commands rely on. */
export function labelsFor(owner: Ownership, name: string, component: string): Record<string, string> {
    return {
        app: name,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": owner.instance,
        "app.kubernetes.io/part-of": owner.partOf,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** Selectors stay minimal: a selector is immutable, labels are not. */
export const selectorFor = (name: string): Record<string, string> => ({ app: name });

/** Pod-level: non-root, RuntimeDefault seccomp; fsGroup lets the user write its volumes. */
export function restrictedPod(uid: number): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: uid,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container-level: the Pod Security Standard "restricted" profile with a read-only root. */
export function restrictedContainer(): SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
    };
}

/** emptyDir volumes for the paths a process must write on a read-only root filesystem. */
export function scratch(paths: string[]): { volumes: Volume[]; mounts: VolumeMount[] } {
    const named = paths.map((mountPath, i) => ({ name: `scratch-${i}`, mountPath }));
    return {
        volumes: named.map(({ name }) => ({ name, emptyDir: { sizeLimit: "256Mi" } })),
        mounts: named,
    };
}

type Probe = k8s.types.input.core.v1.Probe;

/** An HTTP path on the named port, or a command (which needs no port). */
function handler(check: HealthCheck, port: string | undefined, tier: string): Pick<Probe, "httpGet" | "exec" | "timeoutSeconds"> {
    if (typeof check !== "string") return { exec: { command: check.command }, timeoutSeconds: 5 };
    if (!port) throw new Error(`tier ${tier} has no port for its HTTP health check ${check}: use a command`);
    return { httpGet: { path: check, port } };
}

/**
 * Readiness answers fast and often (traffic follows it); liveness is slower and more tolerant (a
 * restart is costly); a startup probe, when given, holds liveness off for up to 5 minutes. A command
 * gets 5 s (it starts a process, e.g. node).
 */
export function probes(health: HealthSpec, port: string | undefined, tier: string): Pick<Container, "livenessProbe" | "readinessProbe" | "startupProbe"> {
    const on = (check: HealthCheck) => handler(check, port, tier);
    return {
        readinessProbe: { timeoutSeconds: 2, ...on(health.readiness), periodSeconds: 5, failureThreshold: 3 },
        livenessProbe: {
            timeoutSeconds: 3,
            ...on(health.liveness),
            initialDelaySeconds: health.startup ? 0 : 10,
            periodSeconds: 10,
            failureThreshold: 6,
        },
        startupProbe: health.startup ? { timeoutSeconds: 3, ...on(health.startup), periodSeconds: 10, failureThreshold: 30 } : undefined,
    };
}

export function execProbes(
    command: string[],
    timeoutSeconds: number,
): Pick<Container, "livenessProbe" | "readinessProbe" | "startupProbe"> {
    const exec = { command };
    return {
        // Gives a first start (initdb, Mnesia creation) up to 5 minutes before liveness counts.
        startupProbe: { exec, periodSeconds: 10, timeoutSeconds, failureThreshold: 30 },
        readinessProbe: { exec, periodSeconds: 10, timeoutSeconds, failureThreshold: 3 },
        livenessProbe: { exec, periodSeconds: 20, timeoutSeconds, failureThreshold: 6 },
    };
}

/** Named container ports; Services target them by name, so a port number lives in one place. */
export function containerPorts(ports: PortSpec[]): ContainerPort[] {
    return ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" }));
}

export function servicePorts(ports: PortSpec[]): ServicePort[] {
    return ports.map((p) => ({ name: p.name, port: p.servicePort ?? p.port, targetPort: p.name, protocol: "TCP", appProtocol: p.appProtocol }));
}

/**
 * Replicas spread over zones first (EKS and GKE run nodes in 2-3), then nodes, both soft so a small
 * or single-zone cluster still schedules; and a preferred anti-affinity, which the schedulers of
 * older clusters and the linters of every kind understand.
 */
export function spreadPods(selector: Record<string, string>): Pick<PodSpec, "topologySpreadConstraints" | "affinity"> {
    const spread = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector },
    });
    return {
        topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
        affinity: {
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } } },
                ],
            },
        },
    };
}

/**
 * Pulumi's Service await waits until the Service selects a ready pod, and gives up only after 10 s
 * when no pod exists yet. For a ClusterIP or NodePort Service in front of a workload that Pulumi
 * awaits anyway, that wait protects nothing (a NodePort has no address to wait for), so it is
 * skipped; a LoadBalancer keeps it (its address, which the outputs print).
 */
export const SKIP_AWAIT = { "pulumi.com/skipAwait": "true" };

/** "512Mi", "1Gi", "1G" -> bytes. */
export function quantityBytes(quantity: string): number {
    const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity);
    if (!m) throw new Error(`not a memory quantity: ${quantity}`);
    const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ""] ?? 1;
    return Number(m[1]) * unit;
}

/** Short, stable content hash for names and rollout annotations. */
export function contentHash(content: string, length = 10): string {
    return createHash("sha256").update(content).digest("hex").slice(0, length);
}
