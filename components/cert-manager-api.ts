import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Typed wrappers for cert-manager's cert-manager.io/v1 kinds (CRDs from the cert-manager chart,
 * components/addons/cert-manager.ts). Only the fields this program sets are typed.
 */

type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;

export const CERT_MANAGER_API_VERSION = "cert-manager.io/v1";

export interface IssuerRef {
    group: "cert-manager.io";
    kind: "ClusterIssuer";
    name: pulumi.Input<string>;
}

export interface CertificateSpec {
    secretName: string;
    /** The host(s) the certificate is for. */
    dnsNames?: pulumi.Input<string>[];
    commonName?: string;
    isCA?: boolean;
    duration?: string;
    privateKey?: { algorithm: "ECDSA" | "RSA"; size: number; rotationPolicy?: "Always" | "Never" };
    issuerRef: IssuerRef;
    /** Labels and annotations of the Secret (e.g. what the Secret is for). */
    secretTemplate?: { labels?: Record<string, string> };
}

/** An HTTP-01 solver: a temporary HTTPRoute on a Gateway's listener, or a temporary Ingress of a class. */
export type Http01Solver =
    | { gatewayHTTPRoute: { parentRefs: { group: "gateway.networking.k8s.io"; kind: "Gateway"; name: string; namespace: string; sectionName: string }[] } }
    | { ingress: { ingressClassName: string } };

export interface AcmeSolver {
    /** Which Certificates the solver serves (by their labels); the most specific selector wins. */
    selector?: { matchLabels: Record<string, string> };
    http01: Http01Solver;
}

export interface ClusterIssuerSpec {
    selfSigned?: Record<string, never>;
    /** A CA whose key pair is the Secret of this name in cert-manager's namespace. */
    ca?: { secretName: pulumi.Input<string> };
    acme?: { email: string; server: string; privateKeySecretRef: { name: string }; solvers: AcmeSolver[] };
}

export class Certificate extends k8s.apiextensions.CustomResource {
    constructor(name: string, args: { metadata: ObjectMeta; spec: CertificateSpec }, opts?: pulumi.CustomResourceOptions) {
        super(name, { apiVersion: CERT_MANAGER_API_VERSION, kind: "Certificate", ...args }, opts);
    }
}

export class ClusterIssuer extends k8s.apiextensions.CustomResource {
    constructor(name: string, args: { metadata: ObjectMeta; spec: ClusterIssuerSpec }, opts?: pulumi.CustomResourceOptions) {
        super(name, { apiVersion: CERT_MANAGER_API_VERSION, kind: "ClusterIssuer", ...args }, opts);
    }
}

/**
 * The provider's bounded wait for an object's Ready condition (`pulumi.com/waitFor`): a Certificate
 * or ClusterIssuer that cannot become ready (an ACME order that fails, a CA Secret missing) fails
 * the update after `seconds`, with the last status the provider saw, instead of hanging it.
 */
export const readyWithin = (seconds: number) => ({ "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(seconds) });
