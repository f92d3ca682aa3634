import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Typed wrappers for the Gateway API (gateway.networking.k8s.io/v1, standard channel), which
 * @pulumi/kubernetes has no classes for. Only the fields this program sets are typed.
 */

type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;

export interface GatewayListener {
    name: string;
    protocol: "HTTP" | "HTTPS";
    port: number;
    hostname?: pulumi.Input<string>;
    allowedRoutes?: { namespaces: { from: "Same" | "All" } };
    /** HTTPS: terminated here, with the certificate's Secret (left out where the controller takes it from elsewhere). */
    tls?: ListenerTls;
}

export interface ListenerTls {
    mode: "Terminate";
    certificateRefs?: { kind: "Secret"; name: pulumi.Input<string> }[];
}

/** A controller-specific parameters object (e.g. the AWS LB Controller's LoadBalancerConfiguration). */
export interface GatewayInfrastructure {
    parametersRef: { group: string; kind: string; name: pulumi.Input<string> };
}

export interface GatewaySpec {
    gatewayClassName: pulumi.Input<string>;
    listeners: GatewayListener[];
    /** Addresses the Gateway asks for, e.g. a reserved static IP by name (NamedAddress). */
    addresses?: { type: "NamedAddress" | "IPAddress"; value: pulumi.Input<string> }[];
    infrastructure?: GatewayInfrastructure;
}

/** A request header that must equal a value (HTTPHeaderMatch, type Exact). */
export interface HTTPHeaderMatch {
    type: "Exact";
    name: string;
    value: string;
}

/** All of a match's conditions must hold; a rule matches when any of its matches does. */
export interface HTTPRouteMatch {
    path: { type: "PathPrefix" | "Exact"; value: string };
    headers?: HTTPHeaderMatch[];
}

/** A Service and port; with 2+ refs, `weight` splits the rule's requests in proportion (0 sends none). */
export interface HTTPBackendRef {
    name: string;
    port: number;
    weight?: number;
}

export interface HTTPRouteRule {
    matches: HTTPRouteMatch[];
    backendRefs: HTTPBackendRef[];
}

export interface HTTPRouteSpec {
    parentRefs: { name: pulumi.Input<string>; sectionName?: string }[];
    hostnames: pulumi.Input<string>[];
    rules: (HTTPRouteRule | HTTPRedirectRule)[];
}

/** Answers with a redirect instead of a backend (RequestRedirect filter, Gateway API core). */
export interface HTTPRedirectRule {
    matches: { path: { type: "PathPrefix"; value: string } }[];
    filters: { type: "RequestRedirect"; requestRedirect: { scheme: "https"; port: number; statusCode: 301 | 302 } }[];
}

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";

/** What the controller reports: the addresses it serves the Gateway on (e.g. an ALB's DNS name). */
export interface GatewayStatus {
    addresses?: { type?: string; value: string }[];
}

export class Gateway extends k8s.apiextensions.CustomResource {
    /** The live object's status (an output only: the undefined input is never sent). */
    declare readonly status: pulumi.Output<GatewayStatus | undefined>;

    constructor(name: string, args: { metadata: ObjectMeta; spec: GatewaySpec }, opts?: pulumi.CustomResourceOptions) {
        super(name, { apiVersion: GATEWAY_API_VERSION, kind: "Gateway", ...args, status: undefined }, opts);
    }
}

export class HTTPRoute extends k8s.apiextensions.CustomResource {
    constructor(name: string, args: { metadata: ObjectMeta; spec: HTTPRouteSpec }, opts?: pulumi.CustomResourceOptions) {
        super(name, { apiVersion: GATEWAY_API_VERSION, kind: "HTTPRoute", ...args }, opts);
    }
}
