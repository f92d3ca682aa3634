/**
 * What a pod needs to exist before it can start: the Secrets, ConfigMaps and ServiceAccount its
 * spec names. Pure: rendered objects in, references and the missing ones out.
 */
import type { PodLike } from "./pod-security";

/** A Kubernetes object as YAML gives it. */
export interface K8sObject {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } | null;
    [field: string]: unknown;
}

export type ReferencedKind = "Secret" | "ConfigMap" | "ServiceAccount";

export interface PodReference {
    kind: ReferencedKind;
    name: string;
    namespace: string;
    /** The object whose pods hold the reference, e.g. `Deployment/monitoring/monitoring-operator`. */
    from: string;
    /** Where in the pod, e.g. `volume tls-secret`, `container operator envFrom`. */
    via: string;
    /** `optional: true`: the pod starts without it. */
    optional: boolean;
}

/** Objects every namespace has without anyone creating them. */
export const BUILT_IN: ReadonlyArray<{ kind: ReferencedKind; name: string; why: string }> = [
    { kind: "ServiceAccount", name: "default", why: "the ServiceAccount controller creates it in every namespace" },
    { kind: "ConfigMap", name: "kube-root-ca.crt", why: "the root CA publisher creates it in every namespace" },
];

const POD_TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]);

type Dict = Record<string, any>;
const asDict = (v: unknown): Dict | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Dict) : undefined);
const list = (v: unknown): Dict[] => (Array.isArray(v) ? v.filter((x): x is Dict => asDict(x) !== undefined) : []);

/** The pod (metadata + spec) an object runs: a Pod itself, a workload's template, a CronJob's job template. */
export function podTemplateOf(obj: K8sObject): PodLike | undefined {
    const spec = asDict(obj.spec);
    if (!spec) return undefined;
    if (obj.kind === "Pod") return { metadata: asDict(obj.metadata), spec };
    let template: Dict | undefined;
    if (obj.kind === "CronJob") template = asDict(asDict(asDict(spec.jobTemplate)?.spec)?.template);
    else if (POD_TEMPLATE_KINDS.has(obj.kind ?? "")) template = asDict(spec.template);
    const podSpec = asDict(template?.spec);
    return podSpec ? { metadata: asDict(template?.metadata), spec: podSpec } : undefined;
}

/** Kinds without a namespace (a chart's objects of other kinds without one land in the release namespace). */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CSIDriver",
    "RuntimeClass",
    "PriorityClass",
    "IngressClass",
    "GatewayClass",
    "CustomResourceDefinition",
    "APIService",
    "ClusterRole",
    "ClusterRoleBinding",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
]);

/** The namespace an object lands in: its own, else the default one, none when cluster-scoped. */
export const namespaceOf = (o: K8sObject, defaultNamespace?: string) => (CLUSTER_SCOPED.has(o.kind ?? "") ? undefined : (o.metadata?.namespace ?? defaultNamespace));

/** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
export const objectId = (o: K8sObject, defaultNamespace?: string) =>
    [o.kind, namespaceOf(o, defaultNamespace), o.metadata?.name].filter((x) => x !== undefined && x !== "").join("/");

/** Every Secret, ConfigMap and ServiceAccount the object's pods name. */
export function podReferences(obj: K8sObject, defaultNamespace: string): PodReference[] {
    const pod = podTemplateOf(obj);
    if (!pod) return [];
    const spec = pod.spec as Dict;
    const namespace = obj.metadata?.namespace ?? defaultNamespace;
    const from = objectId(obj, defaultNamespace);
    const out: PodReference[] = [];
    const add = (kind: ReferencedKind, name: unknown, via: string, optional: unknown) => {
        if (typeof name === "string" && name !== "") out.push({ kind, name, namespace, from, via, optional: optional === true });
    };

    add("ServiceAccount", spec.serviceAccountName ?? spec.serviceAccount ?? "default", "serviceAccountName", false);
    for (const s of list(spec.imagePullSecrets)) add("Secret", s.name, "imagePullSecrets", false);
    for (const v of list(spec.volumes)) {
        const via = `volume ${v.name}`;
        if (asDict(v.secret)) add("Secret", v.secret.secretName, via, v.secret.optional);
        if (asDict(v.configMap)) add("ConfigMap", v.configMap.name, via, v.configMap.optional);
        for (const src of list(asDict(v.projected)?.sources)) {
            if (asDict(src.secret)) add("Secret", src.secret.name, `${via} (projected)`, src.secret.optional);
            if (asDict(src.configMap)) add("ConfigMap", src.configMap.name, `${via} (projected)`, src.configMap.optional);
        }
    }
    for (const c of [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)]) {
        for (const e of list(c.envFrom)) {
            if (asDict(e.secretRef)) add("Secret", e.secretRef.name, `container ${c.name} envFrom`, e.secretRef.optional);
            if (asDict(e.configMapRef)) add("ConfigMap", e.configMapRef.name, `container ${c.name} envFrom`, e.configMapRef.optional);
        }
        for (const e of list(c.env)) {
            const from = asDict(e.valueFrom);
            if (asDict(from?.secretKeyRef)) add("Secret", from!.secretKeyRef.name, `container ${c.name} env ${e.name}`, from!.secretKeyRef.optional);
            if (asDict(from?.configMapKeyRef)) add("ConfigMap", from!.configMapKeyRef.name, `container ${c.name} env ${e.name}`, from!.configMapKeyRef.optional);
        }
    }
    return out;
}

/**
 * The non-optional references of the rendered objects' pods that no rendered object, no object the
 * program creates and no built-in object satisfies. Objects without a namespace take defaultNamespace
 * (what helm.v4.Chart does with the release namespace).
 */
export function missingReferences(rendered: K8sObject[], created: K8sObject[], defaultNamespace: string): PodReference[] {
    const exists = new Set<string>();
    for (const o of rendered) exists.add(objectId(o, defaultNamespace));
    for (const o of created) exists.add(objectId(o));
    const builtIn = (r: PodReference) => BUILT_IN.some((b) => b.kind === r.kind && b.name === r.name);
    return rendered
        .flatMap((o) => podReferences(o, defaultNamespace))
        .filter((r) => !r.optional && !builtIn(r) && !exists.has(`${r.kind}/${r.namespace}/${r.name}`));
}
