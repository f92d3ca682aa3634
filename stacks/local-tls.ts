import * as pulumi from "@pulumi/pulumi";
import { CertManager } from "../components/addons/cert-manager";
import { ACME_SOLVER_LABEL, CLUSTER_ISSUERS, ClusterIssuers, READY_WITHIN } from "../components/addons/cluster-issuers";
import { NAMESPACES } from "../components/addons/versions";
import { Certificate, readyWithin } from "../components/cert-manager-api";
import type { HostTlsFactory } from "../components/host-tls";
import type { TlsChoice } from "../config/tls";
import type { TlsPlatform } from "./platform";

/** Traefik's TLS entrypoint (websecure, published on 443): the port of the Gateway's HTTPS listener. */
export const TRAEFIK_HTTPS_PORT = 8443;

/** Traefik's Ingress annotations for a host served over HTTPS only (HTTP falls to the web entrypoint's redirect). */
const TRAEFIK_HTTPS_INGRESS = { "traefik.ingress.kubernetes.io/router.entrypoints": "websecure", "traefik.ingress.kubernetes.io/router.tls": "true" };

/** The command that writes the local CA's certificate to a file, to trust it (README "HTTPS"). */
export const EXPORT_LOCAL_CA = `kubectl get secret -n ${NAMESPACES.certManager} ${CLUSTER_ISSUERS.localCa} -o jsonpath='{.data.ca\\.crt}' | base64 -d > ticketbuster-local-ca.crt`;

/**
 * A host's certificate from a cert-manager ClusterIssuer: a Certificate in the routes' namespace whose
 * Secret the Gateway's HTTPS listener (or the Ingress's spec.tls) names. The routes wait for it to be
 * Ready, bounded (READY_WITHIN): an ACME order that cannot complete fails the update with its status.
 */
export function certManagerHostTls(o: { mode: "self-signed" | "acme"; issuer: string; httpsPort: number; dependsOn?: pulumi.Resource[] }): HostTlsFactory {
    return (scope) => {
        const seconds = o.mode === "acme" ? READY_WITHIN.acme : READY_WITHIN.local;
        const secretName = `${scope.routeName}-tls`;
        const certificate = new Certificate(
            `${scope.name}-certificate`,
            {
                metadata: {
                    name: scope.routeName,
                    namespace: scope.namespace,
                    // ACME: the solver of the routes' own form (a Gateway's route or an Ingress).
                    labels: { ...scope.labels, ...(o.mode === "acme" ? { [ACME_SOLVER_LABEL]: scope.routing } : {}) },
                    annotations: readyWithin(seconds),
                },
                spec: {
                    secretName,
                    dnsNames: [scope.host],
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: o.issuer },
                },
            },
            { parent: scope.parent, dependsOn: o.dependsOn, customTimeouts: { create: `${seconds}s`, update: `${seconds}s` } },
        );
        return {
            mode: o.mode,
            httpsPort: o.httpsPort,
            listenerTls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: secretName }] },
            ingress: { annotations: TRAEFIK_HTTPS_INGRESS, tls: [{ hosts: [scope.host], secretName }] },
            dependsOn: [certificate],
        };
    };
}

export interface LocalTlsArgs {
    choice: TlsChoice;
    priorityClassName: pulumi.Input<string>;
    /** The route controller this stack installs (Traefik), whose Gateway API CRDs and namespace the ACME solver needs. */
    controller?: pulumi.Resource;
    className: string;
    /** Traefik's HTTP entrypoint (the ACME solver Gateway's listener). */
    httpPort: number;
    provider: pulumi.ProviderResource;
}

/**
 * The local target's TLS: with any mode but off, cert-manager and the ClusterIssuers (the local CA,
 * and Let's Encrypt with tls.acme), which this stack's routes and its app stacks' routes use.
 */
export function localTls(a: LocalTlsArgs): TlsPlatform {
    const { choice } = a;
    const base = { choice, httpsPort: TRAEFIK_HTTPS_PORT };
    if (choice.mode === "off") return { ...base, exported: { mode: "off", httpsPort: TRAEFIK_HTTPS_PORT, clusterIssuers: {} }, outputs: {} };
    if (choice.mode === "managed") throw new Error("tls.mode managed on local: refused by config validation");
    const onCluster = { providers: { kubernetes: a.provider } };
    // ACME through a Gateway needs cert-manager's Gateway API support, which needs the controller's Gateway API CRDs first.
    const gatewayApi = choice.acme !== undefined && a.controller !== undefined;
    const certManager = new CertManager(
        "cert-manager",
        { priorityClassName: a.priorityClassName, gatewayApi },
        { ...onCluster, dependsOn: gatewayApi && a.controller ? [a.controller] : [] },
    );
    const issuers = new ClusterIssuers(
        "cluster-issuers",
        {
            namespace: certManager.namespace.metadata.name,
            dependsOn: [certManager.chart],
            acme: choice.acme && {
                ...choice.acme,
                ingressClassName: a.className,
                gateway: a.controller ? { className: a.className, namespace: NAMESPACES.traefik, port: a.httpPort, dependsOn: [a.controller] } : undefined,
            },
        },
        onCluster,
    );
    const issuer = issuers.names[choice.mode];
    if (!issuer) throw new Error(`no ClusterIssuer for tls.mode ${choice.mode}`);
    return {
        ...base,
        forHost: certManagerHostTls({ mode: choice.mode, issuer, httpsPort: TRAEFIK_HTTPS_PORT, dependsOn: [issuers] }),
        exported: { mode: choice.mode, httpsPort: TRAEFIK_HTTPS_PORT, clusterIssuers: issuers.names },
        outputs: choice.mode === "self-signed" ? { trustLocalCa: EXPORT_LOCAL_CA } : {},
    };
}
