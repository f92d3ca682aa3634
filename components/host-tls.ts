import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Routing } from "../config/schema";
import type { TlsMode } from "../config/tls";
import { Gateway, GatewayListener, GatewaySpec, HTTPRedirectRule, HTTPRoute, ListenerTls } from "./gateway-api";

/**
 * HTTPS for one host's routes, whatever the target: the target (stacks/) makes the certificate and
 * says how the route objects use it; the components that own routes (Routes, Monitoring's Grafana
 * route) build their listeners, redirect and Ingress from it with the functions below.
 */

/** Where a host's routes live, given to the target's HostTlsFactory by the component that owns them. */
export interface HostScope {
    /** Prefix of the Pulumi names of what is made for this host (unique in the stack): the app's name, `grafana`. */
    name: string;
    host: string;
    namespace: pulumi.Input<string>;
    routing: Routing;
    /** The Kubernetes name of the Gateway / Ingress. */
    routeName: string;
    /** The Services the routes send traffic to. */
    services: string[];
    labels: Record<string, string>;
    /** The component that owns the routes: parent (and provider) of the Kubernetes objects made for the host. */
    parent: pulumi.Resource;
}

/** What the route objects of a host need for HTTPS on this target. */
export interface HostTls {
    mode: Exclude<TlsMode, "off">;
    /** The port of the Gateway's HTTPS listener (the controller's TLS entrypoint). */
    httpsPort: number;
    /** The HTTPS listener's tls (certificateRefs where the controller reads a Secret). */
    listenerTls?: ListenerTls;
    /** Gateway metadata and spec the target needs (certificate map, static address, LB configuration). */
    gateway?: { annotations?: Record<string, pulumi.Input<string>>; spec?: Pick<GatewaySpec, "addresses" | "infrastructure"> };
    /** Ingress annotations and spec.tls; the Ingress's redirect is the controller's (an annotation or the platform's). */
    ingress?: { annotations?: Record<string, pulumi.Input<string>>; tls?: { hosts: string[]; secretName: string }[] };
    /** What the route objects wait for (the certificate, the LB configuration). */
    dependsOn: pulumi.Resource[];
    /** Called with the route objects once declared: the host's DNS record where it points at their address. */
    publish?(route: { gateway?: Gateway; ingress?: k8s.networking.v1.Ingress }): void;
}

/** Made by the target for each host (stacks/*-tls.ts); absent when the routes are plain HTTP. */
export type HostTlsFactory = (scope: HostScope) => HostTls;

/**
 * On the route objects of a stack whose config chose plain HTTP (`tls.mode: off`): the policy pack
 * accepts those on a cloud target. Not the value `off`: a YAML 1.1 reader (kubectl's) reads it as false.
 */
export const PLAIN_HTTP_ANNOTATION = { "ticketbuster.io/tls": "plain-http" };

/** The public HTTPS port a redirect points at (every target's controller serves HTTPS on 443). */
export const HTTPS_PORT = 443;

/** The Gateway's listeners: HTTP, and HTTPS on the controller's TLS port when the host has a certificate. */
export function gatewayListeners(host: string, httpPort: number, tls: HostTls | undefined, extra: Partial<GatewayListener> = {}): GatewayListener[] {
    const http: GatewayListener = { name: "http", protocol: "HTTP", port: httpPort, hostname: host, ...extra };
    if (!tls) return [http];
    return [http, { name: "https", protocol: "HTTPS", port: tls.httpsPort, hostname: host, ...extra, ...(tls.listenerTls ? { tls: tls.listenerTls } : {}) }];
}

/** The listener the app's HTTPRoute attaches to: HTTPS when there is one; HTTP then only redirects. */
export const serviceListener = (tls: HostTls | undefined) => (tls ? "https" : "http");

/** The one rule of the HTTP listener when the host has HTTPS: everything to https://<host>/ (301). */
export const REDIRECT_RULE: HTTPRedirectRule = {
    matches: [{ path: { type: "PathPrefix", value: "/" } }],
    // The port is explicit: the AWS LB Controller otherwise keeps the request's (80) in the Location.
    filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", port: HTTPS_PORT, statusCode: 301 } }],
};

/**
 * HTTP answers only with a redirect to HTTPS: an HTTPRoute on the Gateway's HTTP listener. ACME's
 * HTTP-01 solver route (/.well-known/acme-challenge/<token>) is a longer prefix, so it wins over `/`.
 */
export function redirectRoute(
    name: string,
    metadata: k8s.types.input.meta.v1.ObjectMeta,
    gatewayName: pulumi.Input<string>,
    host: string,
    opts: pulumi.CustomResourceOptions,
): HTTPRoute {
    return new HTTPRoute(name, { metadata, spec: { parentRefs: [{ name: gatewayName, sectionName: "http" }], hostnames: [host], rules: [REDIRECT_RULE] } }, opts);
}

/** Annotations and spec fields a Gateway gets from the host's TLS. */
export function gatewayTls(tls: HostTls | undefined) {
    return { annotations: tls?.gateway?.annotations ?? {}, spec: tls?.gateway?.spec ?? {} };
}

/** Annotations and spec.tls an Ingress gets from the host's TLS. */
export function ingressTls(tls: HostTls | undefined) {
    return { annotations: tls?.ingress?.annotations ?? {}, spec: tls?.ingress?.tls ? { tls: tls.ingress.tls } : {} };
}

/** Merges annotation maps, leaving the key out when there is none (objects made before TLS keep their exact inputs). */
export function annotationsOf(...maps: (Record<string, pulumi.Input<string>> | undefined)[]): { annotations?: Record<string, pulumi.Input<string>> } {
    const merged = Object.assign({}, ...maps.filter(Boolean)) as Record<string, pulumi.Input<string>>;
    return Object.keys(merged).length > 0 ? { annotations: merged } : {};
}
