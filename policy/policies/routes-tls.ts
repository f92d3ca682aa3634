import type { ResourceValidationPolicy } from "@pulumi/policy";

/**
 * What the program puts on route objects whose stack chose plain HTTP (`tls.mode: off` in its config;
 * components/host-tls.ts PLAIN_HTTP_ANNOTATION): the only way a cloud route may go without TLS.
 */
export const PLAIN_HTTP_CHOSEN = { key: "ticketbuster.io/tls", value: "plain-http" };

/** Route classes of the cloud load balancers (EKS's AWS LB Controller, GKE's Gateway and Ingress controllers). */
const CLOUD_CLASS = /^(alb|gce|gce-internal|gke-l7-.+)$/;

/** Ingress annotations that give the load balancer a certificate without spec.tls. */
const CERTIFICATE_ANNOTATIONS = ["alb.ingress.kubernetes.io/certificate-arn", "ingress.gcp.kubernetes.io/pre-shared-cert", "networking.gke.io/managed-certificates"];

export interface RoutesTlsConfig {
    /** The stack's target is a cloud (its routes are public load balancers); left out, the route's class says so. */
    cloud?: boolean;
}

interface Route {
    metadata?: { name?: string; annotations?: Record<string, string> };
    spec?: {
        gatewayClassName?: string;
        ingressClassName?: string;
        listeners?: { protocol?: string }[];
        tls?: unknown[];
    };
}

const isGateway = (type: string) => /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:Gateway$/.test(type);
const isIngress = (type: string) => /^kubernetes:networking\.k8s\.io\/[^:]+:Ingress$/.test(type);

/** Whether the route serves HTTPS: a Gateway's HTTPS (or TLS) listener; an Ingress's spec.tls or its controller's certificate annotation. */
function servesTls(type: string, route: Route): boolean {
    if (isGateway(type)) return (route.spec?.listeners ?? []).some((l) => l.protocol === "HTTPS" || l.protocol === "TLS");
    const annotations = route.metadata?.annotations ?? {};
    return (route.spec?.tls ?? []).length > 0 || CERTIFICATE_ANNOTATIONS.some((a) => annotations[a]);
}

export const routesTls: ResourceValidationPolicy = {
    name: "routes-tls-on-cloud",
    description:
        `On a cloud target every Gateway and Ingress serves HTTPS (an HTTPS listener; spec.tls or the load balancer's certificate annotation), ` +
        `unless the stack chose plain HTTP explicitly (tls.mode off: annotation ${PLAIN_HTTP_CHOSEN.key}=${PLAIN_HTTP_CHOSEN.value}).`,
    configSchema: {
        properties: {
            cloud: { type: "boolean", description: "The stack's target is a cloud (policy/<stack>.json); left out, a route whose class is a cloud load balancer's (alb, gce, gke-l7-*) is." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isGateway(args.type) && !isIngress(args.type)) return;
        const route = args.props as Route;
        const className = route.spec?.gatewayClassName ?? route.spec?.ingressClassName;
        const cloud = args.getConfig<RoutesTlsConfig>().cloud ?? (typeof className === "string" && CLOUD_CLASS.test(className));
        if (!cloud || servesTls(args.type, route)) return;
        if (route.metadata?.annotations?.[PLAIN_HTTP_CHOSEN.key] === PLAIN_HTTP_CHOSEN.value) return;
        const kind = isGateway(args.type) ? "Gateway" : "Ingress";
        reportViolation(
            `${kind} ${route.metadata?.name ?? args.name} serves plain HTTP on a cloud target: give the stack a DNS zone (dns.zone, dns.zoneId) for managed certificates, ` +
                `or set tls.mode off to choose plain HTTP explicitly.`,
        );
    },
};
