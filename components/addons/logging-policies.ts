/**
 * The logging add-on's NetworkPolicies: deny everything in both directions in Loki's and Fluent Bit's
 * namespaces, then allow exactly who pushes (Fluent Bit), who reads (Grafana; the ruler is inside
 * Loki) and what each must reach. Policies match ports, not HTTP paths: Fluent Bit and Grafana are
 * the only peers on Loki's port, which of its APIs each calls is not something a NetworkPolicy sees.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DNS_EGRESS, METADATA_ENDPOINT } from "../network-policies";
import { FLUENT_BIT_POD_LABELS } from "./fluent-bit";
import { LOKI_GRPC_PORT, LOKI_HTTP_PORT, LOKI_MEMBERLIST_PORT, LOKI_POD_LABELS } from "./loki";
import { NAMESPACES } from "./versions";

type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;

const inNamespace = (namespace: string, labels: Record<string, string>): Peer => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    podSelector: { matchLabels: labels },
});
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

export const LOKI_PEER = inNamespace(NAMESPACES.loki, LOKI_POD_LABELS);
export const FLUENT_BIT_PEER = inNamespace(NAMESPACES.fluentBit, FLUENT_BIT_POD_LABELS);
/** kube-prometheus-stack's Grafana and Alertmanager pods (release `monitoring`). */
export const GRAFANA_PEER = inNamespace(NAMESPACES.monitoring, { "app.kubernetes.io/name": "grafana" });
export const ALERTMANAGER_PEER = inNamespace(NAMESPACES.monitoring, { "app.kubernetes.io/name": "alertmanager" });
export const ALERTMANAGER_PORT = 9093;

/**
 * The API server: Fluent Bit's Kubernetes filter reads pod metadata, Loki's rules sidecar watches ConfigMaps. Policies
 * match after the `kubernetes` Service's address is translated, to the API server's own endpoints, which lie outside
 * the pod network and differ per target (Docker Desktop's node on 6443, EKS's ENIs and GKE's control plane on 443):
 * those ports anywhere but the instance metadata endpoint.
 */
export const API_SERVER_EGRESS: EgressRule = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_ENDPOINT] } }], ports: tcp(443, 6443) };

export interface LoggingPoliciesArgs {
    /** kube-prometheus-stack runs in the cluster: Grafana reads, the ruler alerts its Alertmanager. */
    monitoring: boolean;
    /** The object store Loki writes to (a workload bucket's egress); none on a filesystem store. */
    objectStoreEgress?: EgressRule[];
}

/** Every policy, as children of `parent`, named `<name>-<namespace>-<policy>`; each waits for its namespace. */
export function loggingPolicies(
    parent: pulumi.Resource,
    name: string,
    args: LoggingPoliciesArgs,
    namespaces: { loki: k8s.core.v1.Namespace; fluentBit: k8s.core.v1.Namespace },
): k8s.networking.v1.NetworkPolicy[] {
    const policies: k8s.networking.v1.NetworkPolicy[] = [];
    const add = (ns: k8s.core.v1.Namespace, key: string, policyName: string, spec: Spec) =>
        policies.push(
            new k8s.networking.v1.NetworkPolicy(`${name}-${key}-${policyName}`, { metadata: { name: policyName, namespace: ns.metadata.name }, spec }, { parent, dependsOn: [ns] }),
        );
    const denyAll = (ns: k8s.core.v1.Namespace, key: string) => {
        add(ns, key, "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
        add(ns, key, "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] });
        add(ns, key, "allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] });
    };

    denyAll(namespaces.loki, "loki");
    // The single binary reaches its own Services (compactor gRPC, memberlist ring) like any other peer.
    const self = { from: [LOKI_PEER], ports: tcp(LOKI_HTTP_PORT, LOKI_GRPC_PORT, LOKI_MEMBERLIST_PORT) };
    add(namespaces.loki, "loki", "allow-to-loki", {
        podSelector: { matchLabels: LOKI_POD_LABELS },
        policyTypes: ["Ingress"],
        ingress: [{ from: [FLUENT_BIT_PEER, ...(args.monitoring ? [GRAFANA_PEER] : [])], ports: tcp(LOKI_HTTP_PORT) }, self],
    });
    add(namespaces.loki, "loki", "allow-from-loki", {
        podSelector: { matchLabels: LOKI_POD_LABELS },
        policyTypes: ["Egress"],
        egress: [
            { to: [LOKI_PEER], ports: self.ports },
            ...(args.monitoring ? [{ to: [ALERTMANAGER_PEER], ports: tcp(ALERTMANAGER_PORT) }] : []),
            API_SERVER_EGRESS,
            ...(args.objectStoreEgress ?? []),
        ],
    });

    denyAll(namespaces.fluentBit, "fluent-bit");
    add(namespaces.fluentBit, "fluent-bit", "allow-from-fluent-bit", {
        podSelector: { matchLabels: FLUENT_BIT_POD_LABELS },
        policyTypes: ["Egress"],
        egress: [{ to: [LOKI_PEER], ports: tcp(LOKI_HTTP_PORT) }, API_SERVER_EGRESS],
    });
    return policies;
}
