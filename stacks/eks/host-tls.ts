import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HostScope, HostTlsFactory, HTTPS_PORT } from "../../components/host-tls";
import type { DnsConfig, TlsChoice } from "../../config/tls";
import type { TlsPlatform } from "../platform";

/** The AWS Load Balancer Controller's own Gateway API kinds (its chart's crds/gateway-crds.yaml, v2.14). */
const LBC_GATEWAY_API = "gateway.k8s.aws/v1beta1";

/** How long the certificate's DNS validation and the load balancer's address may take before `pulumi up` fails. */
export const EKS_WAITS = { validation: "30m", addressSeconds: 900 };

/**
 * A host's HTTPS on EKS: an ACM certificate validated through a record in the Route 53 zone (the
 * program waits, bounded, for ACM to issue it), the ALB's HTTPS listener with it (a Gateway's
 * LoadBalancerConfiguration, or the Ingress's annotations) and a Route 53 alias from the host to the
 * ALB once the controller has written its DNS name into the route's status. AWS resources go through
 * `onAws` (the stack's AWS provider); the Kubernetes objects are children of the routes' component.
 */
export function acmHostTls(dns: DnsConfig, onAws: pulumi.CustomResourceOptions): HostTlsFactory {
    return (scope) => {
        const certificateArn = validatedCertificate(scope, dns, onAws);
        const lb = scope.routing === "gateway" ? gatewayLoadBalancer(scope, certificateArn) : undefined;
        return {
            mode: "managed",
            httpsPort: HTTPS_PORT,
            // The controller takes the certificate from the LoadBalancerConfiguration, not from certificateRefs.
            gateway: lb && {
                // The alias below needs the ALB's name: wait (bounded) until the controller reports it.
                annotations: { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}", "pulumi.com/timeoutSeconds": String(EKS_WAITS.addressSeconds) },
                spec: { infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: lb.metadata.name } } },
            },
            ingress: {
                annotations: {
                    "alb.ingress.kubernetes.io/certificate-arn": certificateArn,
                    "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: HTTPS_PORT }]),
                    "alb.ingress.kubernetes.io/ssl-redirect": String(HTTPS_PORT),
                },
            },
            dependsOn: lb ? [lb] : [],
            publish: ({ gateway, ingress }) => {
                // The Ingress's own await already waits for its load balancer's hostname.
                const address = gateway
                    ? gateway.status.apply((s) => s?.addresses?.[0]?.value ?? "")
                    : ingress!.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? "");
                aliasRecord(scope, dns, address, onAws);
            },
        };
    };
}

/** The ACM certificate of the host, its DNS validation record and the wait for ACM to issue it; returns the issued certificate's ARN. */
function validatedCertificate(scope: HostScope, dns: DnsConfig, onAws: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const certificate = new aws.acm.Certificate(
        `${scope.name}-certificate`,
        { domainName: scope.host, validationMethod: "DNS", tags: { Host: scope.host } },
        onAws,
    );
    // One name, so one validation record: ACM's CNAME proving the zone is ours.
    const option = certificate.domainValidationOptions.apply((options) => {
        const o = options.find((x) => x.domainName === scope.host) ?? options[0];
        if (!o) throw new Error(`ACM gave no DNS validation record for ${scope.host}`);
        return o;
    });
    const record = new aws.route53.Record(
        `${scope.name}-certificate-validation`,
        {
            zoneId: dns.zoneId,
            name: option.apply((o) => o.resourceRecordName!),
            type: option.apply((o) => o.resourceRecordType!),
            records: [option.apply((o) => o.resourceRecordValue!)],
            ttl: 300,
            // The same CNAME serves a re-created certificate of the same name.
            allowOverwrite: true,
        },
        onAws,
    );
    const validation = new aws.acm.CertificateValidation(
        `${scope.name}-certificate`,
        { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
        // ACM validates within minutes once the record resolves; a record in the wrong zone must not hold `pulumi up` for its 75-minute default.
        { ...onAws, customTimeouts: { create: EKS_WAITS.validation } },
    );
    return validation.certificateArn;
}

/**
 * The Gateway's ALB: internet-facing (the controller's default is internal) with the certificate on
 * its HTTPS listener, and IP targets for the routed Services (its default, instance, needs NodePorts).
 */
function gatewayLoadBalancer(scope: HostScope, certificateArn: pulumi.Input<string>): k8s.apiextensions.CustomResource {
    const child = { parent: scope.parent };
    for (const service of scope.services) {
        new k8s.apiextensions.CustomResource(
            `${scope.name}-${service}-targets`,
            {
                apiVersion: LBC_GATEWAY_API,
                kind: "TargetGroupConfiguration",
                metadata: { name: service, namespace: scope.namespace, labels: scope.labels },
                spec: { targetReference: { name: service }, defaultConfiguration: { targetType: "ip" } },
            },
            child,
        );
    }
    return new k8s.apiextensions.CustomResource(
        `${scope.name}-load-balancer`,
        {
            apiVersion: LBC_GATEWAY_API,
            kind: "LoadBalancerConfiguration",
            metadata: { name: scope.routeName, namespace: scope.namespace, labels: scope.labels },
            spec: {
                scheme: "internet-facing",
                listenerConfigurations: [{ protocolPort: `HTTPS:${HTTPS_PORT}`, defaultCertificate: certificateArn }],
            },
        },
        child,
    );
}

/** host -> the ALB (an alias A record: no TTL, follows the ALB's addresses). */
function aliasRecord(scope: HostScope, dns: DnsConfig, address: pulumi.Output<string>, onAws: pulumi.CustomResourceOptions): aws.route53.Record {
    const albZone = aws.lb.getHostedZoneIdOutput({ loadBalancerType: "application" }, { provider: onAws.provider });
    return new aws.route53.Record(
        `${scope.name}-alias`,
        {
            zoneId: dns.zoneId,
            name: scope.host,
            type: "A",
            aliases: [
                {
                    name: address.apply((a) => {
                        if (!a) throw new Error(`the route of ${scope.host} has no load balancer address yet; its controller should have set it before the wait ended`);
                        return a;
                    }),
                    zoneId: albZone.id,
                    evaluateTargetHealth: true,
                },
            ],
        },
        onAws,
    );
}

/** The EKS target's TLS (a platform's or an app stack's): ACM when managed, else plain HTTP. */
export function eksTls(choice: TlsChoice, onAws: pulumi.CustomResourceOptions): TlsPlatform {
    return {
        choice,
        httpsPort: HTTPS_PORT,
        forHost: choice.mode === "managed" && choice.dns ? acmHostTls(choice.dns, onAws) : undefined,
        exported: { mode: choice.mode, httpsPort: HTTPS_PORT, clusterIssuers: {}, ...(choice.dns ? { dns: choice.dns } : {}) },
        outputs: {},
    };
}
