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

export interface HTTPRouteRule {
    matches: { path: { type: "PathPrefix" | "Exact"; value: string } }[];
    backendRefs: { name: string; port: number }[];
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
