import * as certificatemanager from "@pulumi/gcp/certificatemanager";
import * as compute from "@pulumi/gcp/compute";
import * as gcpDns from "@pulumi/gcp/dns";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HostScope, HostTlsFactory, HTTPS_PORT } from "../../components/host-tls";
import type { DnsConfig, TlsChoice } from "../../config/tls";
import type { TlsPlatform } from "../platform";

const fqdn = (name: string) => (name.endsWith(".") ? name : `${name}.`);

/**
 * A host's HTTPS on GKE. Gateway: a Google-managed certificate of Certificate Manager, authorized
 * through a DNS record in the Cloud DNS zone, in a certificate map the Gateway names
 * (`networking.gke.io/certmap`). Ingress: a Google-managed SSL certificate (`pre-shared-cert`) and a
 * FrontendConfig that redirects HTTP. Either way a reserved global IP, and an A record from the host
 * to it: the record exists before the load balancer, so the certificate provisions as soon as it can.
 */
export function certificateManagerHostTls(dns: DnsConfig, onGcp: pulumi.CustomResourceOptions): HostTlsFactory {
    return (scope) => {
        const address = new compute.GlobalAddress(`${scope.name}-address`, { description: `Load balancer of ${scope.host}` }, onGcp);
        new gcpDns.RecordSet(
            `${scope.name}-address`,
            { managedZone: dns.zoneId, name: fqdn(scope.host), type: "A", ttl: 300, rrdatas: [address.address] },
            onGcp,
        );
        return scope.routing === "gateway" ? gatewayTls(scope, dns, address, onGcp) : ingressTls(scope, address, onGcp);
    };
}

function gatewayTls(scope: HostScope, dns: DnsConfig, address: compute.GlobalAddress, onGcp: pulumi.CustomResourceOptions) {
    const authorization = new certificatemanager.DnsAuthorization(
        `${scope.name}-dns-authorization`,
        { domain: scope.host, description: `Proves ${scope.host} is ours (a CNAME in ${dns.zone})` },
        onGcp,
    );
    const record = authorization.dnsResourceRecords.apply((records) => {
        const r = records[0];
        if (!r) throw new Error(`Certificate Manager gave no DNS authorization record for ${scope.host}`);
        return r;
    });
    new gcpDns.RecordSet(
        `${scope.name}-dns-authorization`,
        { managedZone: dns.zoneId, name: record.apply((r) => r.name!), type: record.apply((r) => r.type!), ttl: 300, rrdatas: [record.apply((r) => r.data!)] },
        onGcp,
    );
    const certificate = new certificatemanager.Certificate(
        `${scope.name}-certificate`,
        { description: `HTTPS of ${scope.host}`, managed: { domains: [scope.host], dnsAuthorizations: [authorization.id] } },
        onGcp,
    );
    const map = new certificatemanager.CertificateMap(`${scope.name}-certificate-map`, { description: `Certificates of the Gateway of ${scope.host}` }, onGcp);
    const entry = new certificatemanager.CertificateMapEntry(
        `${scope.name}-certificate-map`,
        { map: map.name, hostname: scope.host, certificates: [certificate.id] },
        onGcp,
    );
    return {
        mode: "managed" as const,
        httpsPort: HTTPS_PORT,
        // GKE's Gateway takes the certificates from the map, not from certificateRefs.
        gateway: {
            annotations: { "networking.gke.io/certmap": map.name },
            spec: { addresses: [{ type: "NamedAddress" as const, value: address.name }] },
        },
        dependsOn: [entry],
    };
}

function ingressTls(scope: HostScope, address: compute.GlobalAddress, onGcp: pulumi.CustomResourceOptions) {
    const certificate = new compute.ManagedSslCertificate(`${scope.name}-certificate`, { description: `HTTPS of ${scope.host}`, managed: { domains: [fqdn(scope.host)] } }, onGcp);
    const frontend = new k8s.apiextensions.CustomResource(
        `${scope.name}-https-redirect`,
        {
            apiVersion: "networking.gke.io/v1beta1",
            kind: "FrontendConfig",
            metadata: { name: `${scope.routeName}-https-redirect`, namespace: scope.namespace, labels: scope.labels },
            spec: { redirectToHttps: { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" } },
        },
        { parent: scope.parent },
    );
    return {
        mode: "managed" as const,
        httpsPort: HTTPS_PORT,
        ingress: {
            annotations: {
                "ingress.gcp.kubernetes.io/pre-shared-cert": certificate.name,
                "kubernetes.io/ingress.global-static-ip-name": address.name,
                "networking.gke.io/v1beta1.FrontendConfig": frontend.metadata.name,
            },
        },
        dependsOn: [frontend],
    };
}

/** The GKE target's TLS (a platform's or an app stack's): Certificate Manager when managed, else plain HTTP. */
export function gkeTls(choice: TlsChoice, onGcp: pulumi.CustomResourceOptions): TlsPlatform {
    return {
        choice,
        httpsPort: HTTPS_PORT,
        forHost: choice.mode === "managed" && choice.dns ? certificateManagerHostTls(choice.dns, onGcp) : undefined,
        exported: { mode: choice.mode, httpsPort: HTTPS_PORT, clusterIssuers: {}, ...(choice.dns ? { dns: choice.dns } : {}) },
        outputs: {},
    };
}
