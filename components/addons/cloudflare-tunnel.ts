import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { METADATA_ENDPOINT } from "../network-policies";
import { restrictedContainer, selectorFor } from "../pod";
import { IMAGES } from "./versions";

export const CLOUDFLARED = "cloudflared";
/** cloudflared's metrics server, which also answers /ready (200 once a connection to the edge is up). */
const METRICS_PORT = 2000;
/** The distroless image's nonroot user. */
const NONROOT_UID = 65532;

export interface CloudflareTunnelArgs {
    namespace: pulumi.Input<string>;
    /** The tunnel's token (a Pulumi secret); the hostname -> service mapping lives in Cloudflare. */
    token: pulumi.Input<string>;
    /** The app's public tier: the only pods cloudflared may reach. */
    publicTier: { name: string; ports: number[] };
    labels: Record<string, string>;
}

/**
 * A remotely-managed Cloudflare tunnel (seed 000): two cloudflared replicas that dial out to
 * Cloudflare's edge and forward the public hostname to the app's public tier. No inbound port.
 */
export class CloudflareTunnel extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: CloudflareTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:CloudflareTunnel", name, {}, opts);
        const parent = this;
        const labels = { ...args.labels, app: CLOUDFLARED, "app.kubernetes.io/name": CLOUDFLARED, "app.kubernetes.io/component": "tunnel" };
        const meta = { name: CLOUDFLARED, namespace: args.namespace, labels };

        const secret = new k8s.core.v1.Secret(
            `${name}-token`,
            { metadata: { ...meta, name: "cloudflared-token" }, type: "Opaque", stringData: { token: pulumi.secret(args.token) } },
            { parent },
        );
        const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta, automountServiceAccountToken: false }, { parent });
        const probe = { httpGet: { path: "/ready", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 3 };
        this.deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: meta,
                spec: {
                    replicas: 2,
                    selector: { matchLabels: selectorFor(CLOUDFLARED) },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: account.metadata.name,
                            automountServiceAccountToken: false,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: NONROOT_UID,
                                runAsGroup: NONROOT_UID,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: CLOUDFLARED,
                                    image: IMAGES.cloudflared,
                                    args: ["tunnel", "--no-autoupdate", "--metrics", `0.0.0.0:${METRICS_PORT}`, "run"],
                                    env: [{ name: "TUNNEL_TOKEN", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "token" } } }],
                                    ports: [{ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" }],
                                    readinessProbe: { ...probe, failureThreshold: 3 },
                                    livenessProbe: { ...probe, initialDelaySeconds: 10, failureThreshold: 6 },
                                    resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                                    securityContext: restrictedContainer(),
                                },
                            ],
                        },
                    },
                },
            },
            { parent },
        );

        // Egress: the public tier, and Cloudflare's edge (7844 TCP/UDP for the tunnel, 443 for its API); DNS is the namespace's allow-dns.
        const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_ENDPOINT] } }];
        new k8s.networking.v1.NetworkPolicy(
            `${name}-egress`,
            {
                metadata: { name: "allow-from-cloudflared", namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: selectorFor(CLOUDFLARED) },
                    policyTypes: ["Egress", "Ingress"],
                    ingress: [],
                    egress: [
                        {
                            to: [{ podSelector: { matchLabels: selectorFor(args.publicTier.name) } }],
                            ports: args.publicTier.ports.map((port) => ({ protocol: "TCP", port })),
                        },
                        {
                            to: anywhere,
                            ports: [
                                { protocol: "TCP", port: 7844 },
                                { protocol: "UDP", port: 7844 },
                                { protocol: "TCP", port: 443 },
                            ],
                        },
                    ],
                },
            },
            { parent },
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-to-public`,
            {
                metadata: { name: `allow-cloudflared-to-${args.publicTier.name}`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: selectorFor(args.publicTier.name) },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [{ podSelector: { matchLabels: selectorFor(CLOUDFLARED) } }],
                            ports: args.publicTier.ports.map((port) => ({ protocol: "TCP", port })),
                        },
                    ],
                },
            },
            { parent },
        );
        this.registerOutputs({ deployment: this.deployment.metadata.name });
    }
}
