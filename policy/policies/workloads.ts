/** Pod templates of Kubernetes workloads, wherever the kind keeps them. */
import type { ResourceValidationArgs } from "@pulumi/policy";

export interface PodSpec {
    containers?: Container[];
    initContainers?: Container[];
    volumes?: { name?: string; hostPath?: unknown }[];
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    automountServiceAccountToken?: boolean;
    securityContext?: SecurityContext;
}

export interface SecurityContext {
    runAsNonRoot?: boolean;
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
}

export interface Container {
    name?: string;
    image?: string;
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    securityContext?: SecurityContext;
}

export interface Workload {
    kind: string;
    name: string;
    /** Annotations of the pod template (or of the Pod). */
    annotations: Record<string, string>;
    spec: PodSpec;
}

const TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]);

/** The pod spec a Kubernetes resource runs, or undefined when it runs none. */
export function workloadOf(args: Pick<ResourceValidationArgs, "type" | "props" | "name">): Workload | undefined {
    if (!args.type.startsWith("kubernetes:")) return undefined;
    const kind = args.type.slice(args.type.lastIndexOf(":") + 1);
    const props = args.props as Record<string, any>;
    const name = props.metadata?.name ?? args.name;
    let template: { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec } | undefined;
    if (kind === "Pod") template = props as typeof template;
    else if (kind === "CronJob") template = props.spec?.jobTemplate?.spec?.template;
    else if (TEMPLATE_KINDS.has(kind)) template = props.spec?.template;
    if (!template?.spec) return undefined;
    return { kind, name, annotations: template.metadata?.annotations ?? {}, spec: template.spec };
}

export const allContainers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

/** Kind of a Kubernetes resource type token (kubernetes:apps/v1:Deployment -> Deployment). */
export const kubernetesKind = (type: string): string | undefined =>
    type.startsWith("kubernetes:") ? type.slice(type.lastIndexOf(":") + 1) : undefined;
