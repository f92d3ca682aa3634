import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExternalEndpoint } from "../apps/types";
import type { Edge } from "../apps/wiring";
import { selectorFor } from "./pod";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;

export interface ReachableTier {
    name: string;
    /** Container ports. */
    ports: number[];
}

export interface NetworkPoliciesArgs {
    namespace: pulumi.Input<string>;
    /** Allowed in-cluster connections, derived from the app spec's dependencies. */
    edges: Edge[];
    /** Tiers reachable from anywhere (a LoadBalancer or NodePort Service), with their ports. */
    publicTiers: ReachableTier[];
    /** Tiers behind the app's routes, reachable from the gateway/ingress controller. */
    routedTiers: ReachableTier[];
    /** Where routed traffic comes from. */
    routeSources: Peer[];
    /** Pods the route controller reaches besides the routed tiers (ACME's HTTP-01 solver), by label. */
    routedPods?: { name: string; matchLabels: Record<string, string>; ports: number[] }[];
    /** Per client pod label `app`: destinations outside the cluster it may reach. */
    external: Record<string, ExternalEndpoint[]>;
    /** Who scrapes metrics (Prometheus' namespace) when monitoring is on; none otherwise. */
    scrapers?: Peer[];
    /** Tiers that serve metrics, with the metrics port. */
    metricsTiers?: ReachableTier[];
}

/** Never reachable, even where a tier may reach the internet: the cloud instance metadata endpoint. */
export const METADATA_ENDPOINT = "169.254.169.254/32";

/** The cluster DNS (CoreDNS or kube-dns, labelled k8s-app: kube-dns on every target) in kube-system. */
export const DNS_EGRESS: k8s.types.input.networking.v1.NetworkPolicyEgressRule = {
    to: [
        {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
    ],
    ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ],
};

const tcp = (ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const podsOf = (name: string): Peer => ({ podSelector: { matchLabels: selectorFor(name) } });

/**
 * Deny by default in both directions, then allow exactly: DNS for every pod; each declared
 * dependency as an egress rule of the client and an ingress rule of the server; the public and
 * routed tiers' ports; and the outside destinations a tier declares (never the metadata endpoint).
 */
export class NetworkPolicies extends pulumi.ComponentResource {
    readonly policies: k8s.networking.v1.NetworkPolicy[] = [];

    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:net:NetworkPolicies", name, {}, opts);
        const add = (policyName: string, spec: Spec) =>
            this.policies.push(
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-${policyName}`,
                    { metadata: { name: policyName, namespace: args.namespace }, spec },
                    { parent: this },
                ),
            );

        add("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
        add("default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] });
        add("allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] });

        for (const to of unique(args.edges.map((e) => e.to))) {
            add(`allow-to-${to}`, {
                podSelector: { matchLabels: selectorFor(to) },
                policyTypes: ["Ingress"],
                ingress: args.edges.filter((e) => e.to === to).map((e) => ({ from: [podsOf(e.from)], ports: tcp(e.ports) })),
            });
        }

        const clients = unique([...args.edges.map((e) => e.from), ...Object.keys(args.external)]);
        for (const from of clients) {
            const outside = args.external[from] ?? [];
            add(`allow-from-${from}`, {
                podSelector: { matchLabels: selectorFor(from) },
                policyTypes: ["Egress"],
                egress: [
                    ...args.edges.filter((e) => e.from === from).map((e) => ({ to: [podsOf(e.to)], ports: tcp(e.ports) })),
                    ...outside.map((endpoint) => ({
                        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_ENDPOINT] } }],
                        ports: tcp(endpoint.ports),
                    })),
                ],
            });
        }

        for (const tier of args.publicTiers) {
            add(`allow-public-${tier.name}`, {
                podSelector: { matchLabels: selectorFor(tier.name) },
                policyTypes: ["Ingress"],
                // No `from`: any source, inside or outside the cluster (load balancer, NodePort).
                ingress: [{ ports: tcp(tier.ports) }],
            });
        }
        for (const tier of args.routedTiers) {
            add(`allow-routes-${tier.name}`, {
                podSelector: { matchLabels: selectorFor(tier.name) },
                policyTypes: ["Ingress"],
                ingress: [{ from: args.routeSources, ports: tcp(tier.ports) }],
            });
        }
        for (const pods of args.routedPods ?? []) {
            add(`allow-routes-${pods.name}`, {
                podSelector: { matchLabels: pods.matchLabels },
                policyTypes: ["Ingress"],
                ingress: [{ from: args.routeSources, ports: tcp(pods.ports) }],
            });
        }
        if (args.scrapers?.length) {
            for (const tier of args.metricsTiers ?? []) {
                add(`allow-scrape-${tier.name}`, {
                    podSelector: { matchLabels: selectorFor(tier.name) },
                    policyTypes: ["Ingress"],
                    ingress: [{ from: args.scrapers, ports: tcp(tier.ports) }],
                });
            }
        }
        this.registerOutputs({ policies: this.policies.map((p) => p.metadata.name) });
    }
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
