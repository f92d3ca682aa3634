import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressEdge } from "../apps/wiring";
import { selectorFor } from "./pod";

export interface NetworkPoliciesArgs {
    namespace: pulumi.Input<string>;
    /** Allowed in-cluster connections, derived from the app spec's dependencies. */
    edges: IngressEdge<string>[];
    /** Tiers reachable from anywhere, with their ports. */
    publicTiers: { name: string; ports: number[] }[];
}

/** Default-deny ingress for the namespace, then one policy per destination listing its clients. */
export class NetworkPolicies extends pulumi.ComponentResource {
    readonly policies: k8s.networking.v1.NetworkPolicy[] = [];

    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:net:NetworkPolicies", name, {}, opts);
        const add = (policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            this.policies.push(
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-${policyName}`,
                    { metadata: { name: policyName, namespace: args.namespace }, spec },
                    { parent: this },
                ),
            );

        add("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });

        const destinations = [...new Set(args.edges.map((e) => e.to))];
        for (const to of destinations) {
            const edges = args.edges.filter((e) => e.to === to);
            add(`allow-to-${to}`, {
                podSelector: { matchLabels: selectorFor(to) },
                policyTypes: ["Ingress"],
                ingress: edges.map((e) => ({
                    from: [{ podSelector: { matchLabels: selectorFor(e.from) } }],
                    ports: e.ports.map((port) => ({ protocol: "TCP", port })),
                })),
            });
        }
        for (const tier of args.publicTiers) {
            add(`allow-public-${tier.name}`, {
                podSelector: { matchLabels: selectorFor(tier.name) },
                policyTypes: ["Ingress"],
                // No `from`: any source, inside or outside the cluster (load balancer, NodePort).
                ingress: [{ ports: tier.ports.map((port) => ({ protocol: "TCP", port })) }],
            });
        }
        this.registerOutputs({ policies: this.policies.map((p) => p.metadata.name) });
    }
}
