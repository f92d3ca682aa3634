import * as pulumi from "@pulumi/pulumi";
import type { AcmeServer } from "../../config/tls";
import { ACME_SERVERS } from "../../config/tls";
import { AcmeSolver, Certificate, ClusterIssuer, readyWithin } from "../cert-manager-api";
import { Gateway } from "../gateway-api";

/** The ClusterIssuers' names: the app stacks of a platform name them (exported as its TLS capabilities). */
export const CLUSTER_ISSUERS = {
    /** Only signs the CA below. */
    selfSigned: "ticketbuster-selfsigned",
    /** The local CA: signs every host's certificate in self-signed mode; its certificate is what a browser is told to trust. */
    localCa: "ticketbuster-local-ca",
    acme: (server: AcmeServer) => `letsencrypt-${server}`,
};

/** A Certificate's label that picks its ACME HTTP-01 solver: through a Gateway or an Ingress (the routes' own form). */
export const ACME_SOLVER_LABEL = "ticketbuster.io/acme-solver";

/** The Gateway (in the route controller's namespace) that carries cert-manager's HTTP-01 solver routes of every namespace. */
export const ACME_GATEWAY = "acme-http01";

export interface ClusterIssuersArgs {
    /** cert-manager's namespace: the CA's key pair is a Secret there (a ClusterIssuer's "cluster resource namespace"). */
    namespace: pulumi.Input<string>;
    /** cert-manager (its CRDs and webhook): every issuer waits for it (a component's children do not inherit its dependsOn). */
    dependsOn: pulumi.Resource[];
    acme?: {
        email: string;
        server: AcmeServer;
        /** The IngressClass of the HTTP-01 solver's temporary Ingresses (Certificates labelled ingress). */
        ingressClassName: string;
        /** A Gateway for the solver's temporary HTTPRoutes (Certificates labelled gateway), where the controller serves the Gateway API. */
        gateway?: { className: string; namespace: string; port: number; dependsOn: pulumi.Resource[] };
    };
}

/** How long issuing may take before `pulumi up` gives up and reports the last status: the local CA is instant, an ACME order takes a round trip. */
export const READY_WITHIN = { local: 300, acme: 600 };

/**
 * The cluster's certificate authorities (local target): a self-signed ClusterIssuer that signs a CA
 * certificate, the CA ClusterIssuer that signs every host's certificate with it, and with `acme`
 * a Let's Encrypt ClusterIssuer whose HTTP-01 challenges are served through the route controller.
 * Each waits (bounded) for its Ready condition, so a broken issuer fails the update with its reason.
 */
export class ClusterIssuers extends pulumi.ComponentResource {
    /** ClusterIssuer name by the TLS mode it serves. */
    readonly names: { "self-signed": string; acme?: string };
    readonly ca: Certificate;

    constructor(name: string, args: ClusterIssuersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:tls:ClusterIssuers", name, {}, opts);
        const parent = this;
        const afterCertManager = { parent, dependsOn: args.dependsOn };
        const selfSigned = new ClusterIssuer(
            `${name}-selfsigned`,
            { metadata: { name: CLUSTER_ISSUERS.selfSigned, annotations: readyWithin(READY_WITHIN.local) }, spec: { selfSigned: {} } },
            afterCertManager,
        );
        this.ca = new Certificate(
            `${name}-local-ca`,
            {
                metadata: { name: CLUSTER_ISSUERS.localCa, namespace: args.namespace, annotations: readyWithin(READY_WITHIN.local) },
                spec: {
                    isCA: true,
                    commonName: `TicketBuster local CA (${pulumi.getProject()}/${pulumi.getStack()})`,
                    secretName: CLUSTER_ISSUERS.localCa,
                    // Ten years: re-trusting a new CA in every browser is the cost of a rotation.
                    duration: "87600h",
                    privateKey: { algorithm: "ECDSA", size: 256 },
                    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: selfSigned.metadata.name },
                },
            },
            afterCertManager,
        );
        const localCa = new ClusterIssuer(
            `${name}-local-ca`,
            { metadata: { name: CLUSTER_ISSUERS.localCa, annotations: readyWithin(READY_WITHIN.local) }, spec: { ca: { secretName: CLUSTER_ISSUERS.localCa } } },
            { parent, dependsOn: [...args.dependsOn, this.ca] },
        );
        const acme = args.acme && this.acmeIssuer(name, args.acme, afterCertManager);
        this.names = { "self-signed": CLUSTER_ISSUERS.localCa, ...(args.acme ? { acme: CLUSTER_ISSUERS.acme(args.acme.server) } : {}) };
        this.registerOutputs({ localCa: localCa.metadata.name, acme: acme?.metadata.name });
    }

    /** Let's Encrypt (staging by default), with an HTTP-01 solver per routing form: a Gateway's route or an Ingress. */
    private acmeIssuer(name: string, acme: NonNullable<ClusterIssuersArgs["acme"]>, opts: pulumi.CustomResourceOptions): ClusterIssuer {
        const solvers: AcmeSolver[] = [{ selector: { matchLabels: { [ACME_SOLVER_LABEL]: "ingress" } }, http01: { ingress: { ingressClassName: acme.ingressClassName } } }];
        if (acme.gateway) {
            // One HTTP listener without a host, taking the solver's routes from any namespace: the apps' own Gateways
            // only admit routes of their namespace, and a ClusterIssuer cannot name each app's Gateway.
            new Gateway(
                `${name}-acme-http01`,
                {
                    metadata: { name: ACME_GATEWAY, namespace: acme.gateway.namespace },
                    spec: {
                        gatewayClassName: acme.gateway.className,
                        listeners: [{ name: "http", protocol: "HTTP", port: acme.gateway.port, allowedRoutes: { namespaces: { from: "All" } } }],
                    },
                },
                { parent: this, dependsOn: acme.gateway.dependsOn },
            );
            solvers.push({
                selector: { matchLabels: { [ACME_SOLVER_LABEL]: "gateway" } },
                http01: {
                    gatewayHTTPRoute: {
                        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: ACME_GATEWAY, namespace: acme.gateway.namespace, sectionName: "http" }],
                    },
                },
            });
        }
        const issuerName = CLUSTER_ISSUERS.acme(acme.server);
        return new ClusterIssuer(
            `${name}-acme`,
            {
                // Ready once Let's Encrypt registered the account; without a way out to it, the update stops here, bounded.
                metadata: { name: issuerName, annotations: readyWithin(READY_WITHIN.local) },
                spec: { acme: { email: acme.email, server: ACME_SERVERS[acme.server], privateKeySecretRef: { name: `${issuerName}-account` }, solvers } },
            },
            opts,
        );
    }
}
