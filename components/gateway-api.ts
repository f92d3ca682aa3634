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
}

export interface GatewaySpec {
    gatewayClassName: pulumi.Input<string>;
    listeners: GatewayListener[];
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
    rules: HTTPRouteRule[];
}

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";

export class Gateway extends k8s.apiextensions.CustomResource {
    constructor(name: string, args: { metadata: ObjectMeta; spec: GatewaySpec }, opts?: pulumi.CustomResourceOptions) {
        super(name, { apiVersion: GATEWAY_API_VERSION, kind: "Gateway", ...args }, opts);
    }
}

export class HTTPRoute extends k8s.apiextensions.CustomResource {
    constructor(name: string, args: { metadata: ObjectMeta; spec: HTTPRouteSpec }, opts?: pulumi.CustomResourceOptions) {
        super(name, { apiVersion: GATEWAY_API_VERSION, kind: "HTTPRoute", ...args }, opts);
    }
}
