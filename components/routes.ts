import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Routing } from "../config/schema";
import { Gateway, HTTPRoute, HTTPRouteRule } from "./gateway-api";
import { annotationsOf, gatewayListeners, gatewayTls, HostTls, HostTlsFactory, ingressTls, redirectRoute, serviceListener } from "./host-tls";
import { labelsFor, Ownership } from "./pod";

export interface RoutesArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    host: string;
    /** Path prefix -> Service and its port; with a canary, the split between two versions of the tier. */
    paths: RoutePath[];
    routing: Routing;
    /** GatewayClass (gateway) or IngressClass (ingress). */
    className: string;
    /** The Gateway's HTTP listener port. */
    listenerPort: number;
    ingressAnnotations?: Record<string, string>;
    /** HTTPS for the host (the target's certificate); left out, the routes are plain HTTP. */
    tls?: HostTlsFactory;
    /** Annotations of every route object (e.g. that plain HTTP was chosen). */
    annotations?: Record<string, string>;
}

export interface RoutePath {
    path: string;
    service: string;
    port: number;
    /** A release of the tier behind this path (Gateway API only: Ingress has no standard weights). */
    canary?: CanarySplit;
}

export interface CanarySplit {
    /** The Service of the stable pods alone, and the canary's. */
    stableService: string;
    canaryService: string;
    /** Percent of the path's requests the canary takes. */
    weight: number;
    /** Requests with this header go to the canary whatever the weight. */
    header: { name: string; value: string };
}

/**
 * A path's HTTPRoute rules: one backend; or, for a tier being released, the stable and canary
 * Services weighted 100-w / w, and a rule that sends requests carrying the header to the canary only
 * (the Gateway API ranks, on equal paths, the match with more header matches first).
 */
export function pathRules(p: RoutePath): HTTPRouteRule[] {
    const path = { type: "PathPrefix" as const, value: p.path };
    const c = p.canary;
    if (!c) return [{ matches: [{ path }], backendRefs: [{ name: p.service, port: p.port }] }];
    return [
        {
            matches: [{ path }],
            backendRefs: [
                { name: c.stableService, port: p.port, weight: 100 - c.weight },
                { name: c.canaryService, port: p.port, weight: c.weight },
            ],
        },
        {
            matches: [{ path, headers: [{ type: "Exact", name: c.header.name, value: c.header.value }] }],
            backendRefs: [{ name: c.canaryService, port: p.port }],
        },
    ];
}

/**
 * The app's host routing: a Gateway and an HTTPRoute (Gateway API, the default: ingress-nginx was
 * retired in March 2026), or one networking.k8s.io/v1 Ingress for clusters that run an Ingress controller.
 */
export class Routes extends pulumi.ComponentResource {
    readonly gateway?: Gateway;
    readonly httpRoute?: HTTPRoute;
    /** The HTTP listener's redirect to HTTPS (with TLS). */
    readonly redirect?: HTTPRoute;
    readonly ingress?: k8s.networking.v1.Ingress;
    /** The host's HTTPS, as the target made it (undefined: plain HTTP). */
    readonly tls?: HostTls;

    constructor(name: string, args: RoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:net:Routes", name, {}, opts);
        const labels = labelsFor(args.owner, args.owner.partOf, "routes");
        const meta = { name: args.owner.partOf, namespace: args.namespace, labels, ...annotationsOf(args.annotations) };
        const parent = this;
        const tls = (this.tls = this.hostTls(args, labels));
        const withTls = { parent, ...(tls ? { dependsOn: tls.dependsOn } : {}) };

        if (args.routing === "gateway") {
            const gatewayExtras = gatewayTls(tls);
            this.gateway = new Gateway(
                name,
                {
                    metadata: { ...meta, ...annotationsOf(args.annotations, gatewayExtras.annotations) },
                    spec: {
                        gatewayClassName: args.className,
                        listeners: gatewayListeners(args.host, args.listenerPort, tls, { allowedRoutes: { namespaces: { from: "Same" } } }),
                        ...gatewayExtras.spec,
                    },
                },
                withTls,
            );
            if (tls) this.redirect = redirectRoute(`${name}-redirect`, { ...meta, name: `${args.owner.partOf}-redirect` }, this.gateway.metadata.name, args.host, { parent });
            this.httpRoute = new HTTPRoute(
                name,
                {
                    metadata: meta,
                    spec: {
                        parentRefs: [{ name: this.gateway.metadata.name, sectionName: serviceListener(tls) }],
                        hostnames: [args.host],
                        rules: args.paths.flatMap(pathRules),
                    },
                },
                { parent },
            );
        } else {
            const split = args.paths.find((p) => p.canary);
            // Config validation refuses this first (config/releases.ts); a caller that skips it gets told here.
            if (split) throw new Error(`routes: ${split.path} has a canary, which an Ingress cannot weigh; use routing gateway`);
            const ingressExtras = ingressTls(tls);
            this.ingress = new k8s.networking.v1.Ingress(
                name,
                {
                    metadata: { ...meta, annotations: ingressAnnotations(args, ingressExtras.annotations) },
                    spec: {
                        ingressClassName: args.className,
                        ...ingressExtras.spec,
                        rules: [
                            {
                                host: args.host,
                                http: {
                                    paths: args.paths.map((p) => ({
                                        path: p.path,
                                        pathType: "Prefix",
                                        backend: { service: { name: p.service, port: { number: p.port } } },
                                    })),
                                },
                            },
                        ],
                    },
                },
                withTls,
            );
        }
        tls?.publish?.({ gateway: this.gateway, ingress: this.ingress });
        this.registerOutputs({});
    }

    /** The target's certificate for the host (its Kubernetes objects are children of this component). */
    private hostTls(args: RoutesArgs, labels: Record<string, string>): HostTls | undefined {
        return args.tls?.({
            name: args.owner.partOf,
            host: args.host,
            namespace: args.namespace,
            routing: args.routing,
            routeName: args.owner.partOf,
            services: [...new Set(args.paths.map((p) => p.service))],
            labels,
            parent: this,
        });
    }
}

/** The Ingress's annotations: the target's (e.g. the ALB's scheme), the TLS ones, the stack's; undefined when none (as before TLS). */
function ingressAnnotations(args: RoutesArgs, tls: Record<string, pulumi.Input<string>>): Record<string, pulumi.Input<string>> | undefined {
    return annotationsOf(args.ingressAnnotations, tls, args.annotations).annotations;
}
