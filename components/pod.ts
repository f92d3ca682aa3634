import type * as k8s from "@pulumi/kubernetes";
import { createHash } from "crypto";
import type { PortSpec } from "../apps/types";

type Container = k8s.types.input.core.v1.Container;
type ContainerPort = k8s.types.input.core.v1.ContainerPort;
type ServicePort = k8s.types.input.core.v1.ServicePort;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** Recommended labels plus `app`, which the guide's `kubectl -l app=...` commands rely on. */
export function labelsFor(partOf: string, name: string, component: string): Record<string, string> {
    return {
        app: name,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": partOf,
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

export function httpProbes(path: string, port: string): Pick<Container, "livenessProbe" | "readinessProbe"> {
    return {
        readinessProbe: { httpGet: { path, port }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        livenessProbe: {
            httpGet: { path, port },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            timeoutSeconds: 3,
            failureThreshold: 6,
        },
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
    return ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP", appProtocol: p.appProtocol }));
}

/** Short, stable content hash for names and rollout annotations. */
export function contentHash(content: string, length = 10): string {
    return createHash("sha256").update(content).digest("hex").slice(0, length);
}
