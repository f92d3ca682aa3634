import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartArgs, CHARTS, NAMESPACES } from "./versions";

export interface TraefikArgs {
    /** GatewayClass and IngressClass name (the routes' className). */
    className: string;
    /** The "web" entrypoint: the port the app's Gateway listener uses. */
    webPort: number;
    /** The add-ons' PriorityClass (components/addons/priority-classes.ts). */
    priorityClassName: pulumi.Input<string>;
    /** HTTPS: the websecure entrypoint (the Gateway's HTTPS listener port), published on 443; left out, HTTP only. */
    https?: { port: number };
}

/**
 * The local target's route controller. Traefik, because one maintained controller serves both forms
 * the app renders (Gateway API HTTPRoutes and networking.k8s.io Ingresses) from one small Deployment,
 * and Docker Desktop publishes its LoadBalancer Service on localhost. Envoy Gateway serves the Gateway
 * API only (no Ingress) and runs an Envoy fleet per Gateway, heavy for a laptop.
 *
 * CRDs: the chart's crds/ folder holds Traefik's own CRDs and the Gateway API standard-channel CRDs
 * it supports; helm.v4.Chart applies them (skipCrds is false) before the rest of the chart, so the
 * GatewayClass and the app's Gateway/HTTPRoute find their kinds.
 */
export class Traefik extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:Traefik", name, {}, opts);
        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: NAMESPACES.traefik,
                    labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
                },
            },
            { parent: this },
        );
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                ...chartArgs(CHARTS.traefik),
                namespace: this.namespace.metadata.name,
                values: {
                    providers: {
                        kubernetesGateway: { enabled: true },
                        kubernetesIngress: { enabled: true },
                        kubernetesCRD: { enabled: false },
                    },
                    // The GatewayClass the app's Gateway names; the app brings its own Gateway.
                    gatewayClass: { enabled: true, name: args.className },
                    gateway: { enabled: false },
                    ingressClass: { enabled: true, isDefaultClass: false, name: args.className },
                    ports: args.https ? httpsPorts(args.webPort, args.https.port) : { web: { port: args.webPort, exposedPort: 80 }, websecure: { expose: { default: false } } },
                    service: { type: "LoadBalancer" },
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                    // The chart's defaults set no seccomp profile, which the namespace's "restricted" level requires;
                    // Helm merges this into the chart's runAsNonRoot/runAsUser defaults.
                    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    priorityClassName: args.priorityClassName,
                },
            },
            { parent: this },
        );
        this.registerOutputs({ namespace: this.namespace.metadata.name });
    }
}

/**
 * web on 80 and websecure (TLS) on 443. Whatever no route claims on web is redirected to HTTPS
 * (permanent, at the lowest priority 1, so any route on web wins: an app's own HTTP-to-HTTPS redirect
 * route, ACME's HTTP-01 solver, a stack that chose plain HTTP). It is what redirects an Ingress's host,
 * whose routers (traefik.ingress.kubernetes.io/router.entrypoints) serve websecure only.
 */
function httpsPorts(webPort: number, websecurePort: number) {
    return {
        web: { port: webPort, exposedPort: 80, redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true, priority: 1 } } },
        websecure: { port: websecurePort, exposedPort: 443, expose: { default: true }, tls: { enabled: true } },
    };
}
