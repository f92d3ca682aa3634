import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Routing } from "../config/schema";
import { Gateway, HTTPRoute } from "./gateway-api";
import { labelsFor, Ownership } from "./pod";

export interface RoutesArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    host: string;
    /** Path prefix -> Service and its port. */
    paths: { path: string; service: string; port: number }[];
    routing: Routing;
    /** GatewayClass (gateway) or IngressClass (ingress). */
    className: string;
    /** The Gateway's HTTP listener port. */
    listenerPort: number;
    ingressAnnotations?: Record<string, string>;
}

/**
 * The app's host routing: a Gateway and an HTTPRoute (Gateway API, the default: ingress-nginx was
 * retired in March 2026), or one networking.k8s.io/v1 Ingress for clusters that run an Ingress controller.
 */
export class Routes extends pulumi.ComponentResource {
    readonly gateway?: Gateway;
    readonly httpRoute?: HTTPRoute;
    readonly ingress?: k8s.networking.v1.Ingress;

    constructor(name: string, args: RoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:net:Routes", name, {}, opts);
        const meta = { name: args.owner.partOf, namespace: args.namespace, labels: labelsFor(args.owner, args.owner.partOf, "routes") };
        const parent = this;

        if (args.routing === "gateway") {
            this.gateway = new Gateway(
                name,
                {
                    metadata: meta,
                    spec: {
                        gatewayClassName: args.className,
                        listeners: [
                            { name: "http", protocol: "HTTP", port: args.listenerPort, hostname: args.host, allowedRoutes: { namespaces: { from: "Same" } } },
                        ],
                    },
                },
                { parent },
            );
            this.httpRoute = new HTTPRoute(
                name,
                {
                    metadata: meta,
                    spec: {
                        parentRefs: [{ name: this.gateway.metadata.name, sectionName: "http" }],
                        hostnames: [args.host],
                        rules: args.paths.map((p) => ({
                            matches: [{ path: { type: "PathPrefix", value: p.path } }],
                            backendRefs: [{ name: p.service, port: p.port }],
                        })),
                    },
                },
                { parent },
            );
        } else {
            this.ingress = new k8s.networking.v1.Ingress(
                name,
                {
                    metadata: { ...meta, annotations: args.ingressAnnotations },
                    spec: {
                        ingressClassName: args.className,
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
                { parent },
            );
        }
        this.registerOutputs({});
    }
}
