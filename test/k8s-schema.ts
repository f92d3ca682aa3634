import * as path from "path";
import { plain, Registered } from "./harness";

/** API groups served by CRDs, validated on the e2e API server (and by kubeconform) instead. */
export const CRD_GROUPS = ["gateway.networking.k8s.io", "monitoring.coreos.com", "cert-manager.io", "gateway.k8s.aws", "networking.gke.io"];

interface Model {
    validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** `kubernetes:apps/v1:Deployment` -> the kubernetes-models class for apps/v1 Deployment. */
function modelFor(type: string): ModelClass {
    const m = /^kubernetes:([^:]+)\/([^:/]+):([A-Za-z]+)$/.exec(type);
    if (!m) throw new Error(`not a Kubernetes type token: ${type}`);
    const [, group, version, kind] = m;
    const dir = group === "core" ? version : path.join(group, version);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`kubernetes-models/${dir}/${kind}`) as Record<string, ModelClass>;
    const model = mod[kind];
    if (!model) throw new Error(`kubernetes-models has no ${dir}/${kind}`);
    return model;
}

/**
 * Validates a registered Kubernetes object against the Kubernetes OpenAPI schema (offline, through
 * kubernetes-models). Returns the validation error message, or undefined when valid.
 */
export function schemaError(resource: Registered): string | undefined {
    // Custom resources (Gateway API, prometheus-operator) are not in kubernetes-models; the kwok e2e
    // test validates them against their CRDs (scripts/e2e/crds.sh).
    if (CRD_GROUPS.some((g) => resource.type.startsWith(`kubernetes:${g}/`))) return undefined;
    const Model = modelFor(resource.type);
    try {
        new Model(plain(resource.inputs)).validate();
        return undefined;
    } catch (e) {
        return `${resource.type} ${resource.name}: ${(e as Error).message}`;
    }
}
