import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartArgs, CHARTS, NAMESPACES } from "./versions";

export interface CertManagerArgs {
    /** The add-ons' PriorityClass (components/addons/priority-classes.ts). */
    priorityClassName: pulumi.Input<string>;
    /** Turn on its Gateway API support (ACME HTTP-01 through a Gateway); the Gateway API CRDs must exist first. */
    gatewayApi: boolean;
}

/** ACME's HTTP-01 solver pods, which cert-manager starts in the Certificate's namespace: the route controller must reach them. */
export const ACME_SOLVER_PODS = { name: "acme-http01-solver", matchLabels: { "acme.cert-manager.io/http01-solver": "true" }, ports: [8089] };

/**
 * cert-manager (the local target's certificates): its controller, webhook and CA injector in their own
 * `restricted` namespace. The chart brings the CRDs (crds.enabled), which helm.v4.Chart applies before
 * the rest. The chart's one Helm hook, the startupapicheck Job (post-install), is turned off: helm.v4.Chart
 * does not run hooks, and what it checks (the webhook answers) is what the ClusterIssuers' readiness
 * waits check anyway. The webhook serves a certificate it makes itself (its `-ca` Secret, written at run
 * time) and the CA injector puts that CA into the webhook configurations: nothing hook-made is needed.
 */
export class CertManager extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:CertManager", name, {}, opts);
        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: NAMESPACES.certManager,
                    labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
                },
            },
            { parent: this },
        );
        const resources = (cpu: string, memory: string, limit: string) => ({ requests: { cpu, memory }, limits: { memory: limit } });
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                ...chartArgs(CHARTS.certManager),
                namespace: this.namespace.metadata.name,
                values: {
                    crds: { enabled: true },
                    startupapicheck: { enabled: false },
                    global: { priorityClassName: args.priorityClassName },
                    resources: resources("10m", "64Mi", "256Mi"),
                    webhook: { resources: resources("10m", "32Mi", "128Mi") },
                    cainjector: { resources: resources("10m", "64Mi", "256Mi") },
                    ...(args.gatewayApi
                        ? {
                              config: {
                                  apiVersion: "controller.config.cert-manager.io/v1alpha1",
                                  kind: "ControllerConfiguration",
                                  gatewayAPI: { enabled: true },
                              },
                          }
                        : {}),
                },
            },
            { parent: this },
        );
        this.registerOutputs({ namespace: this.namespace.metadata.name });
    }
}
