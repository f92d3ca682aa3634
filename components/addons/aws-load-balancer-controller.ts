import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SYSTEM_CLUSTER_CRITICAL } from "./priority-classes";
import { chartArgs, CHARTS, GATEWAY_API_CRDS } from "./versions";

/** The ServiceAccount the IRSA role trusts (system:serviceaccount:<namespace>:<name>). */
export const LBC_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-load-balancer-controller" };
/** The controllerName of the controller's ALB GatewayClass. */
export const ALB_GATEWAY_CONTROLLER = "gateway.k8s.aws/alb";

export interface AwsLoadBalancerControllerArgs {
    clusterName: pulumi.Input<string>;
    region: string;
    vpcId: pulumi.Input<string>;
    /** The IRSA role (stacks/eks/load-balancer-controller.ts). */
    roleArn: pulumi.Input<string>;
    /** IngressClass (made by the chart) and GatewayClass name. */
    className: string;
}

/**
 * AWS Load Balancer Controller: ALBs for Ingresses of class `alb` and, with its ALBGatewayAPI feature
 * gate, for Gateways of the GatewayClass `alb`. It reaches AWS through IRSA, never the node's role.
 * The Gateway API standard-channel CRDs are installed first (pinned in versions.ts); the chart brings
 * the controller's own CRDs (its crds/ folder).
 */
export class AwsLoadBalancerController extends pulumi.ComponentResource {
    readonly chart: k8s.helm.v4.Chart;
    readonly gatewayApiCrds: k8s.yaml.v2.ConfigFile;
    readonly gatewayClass: k8s.apiextensions.CustomResource;

    constructor(name: string, args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:AwsLoadBalancerController", name, {}, opts);
        // EKS has no Gateway API CRDs; the controller watches Gateways only when they exist.
        this.gatewayApiCrds = new k8s.yaml.v2.ConfigFile(`${name}-gateway-api-crds`, { file: GATEWAY_API_CRDS.url }, { parent: this });
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                ...chartArgs(CHARTS.awsLoadBalancerController),
                namespace: LBC_SERVICE_ACCOUNT.namespace,
                values: {
                    clusterName: args.clusterName,
                    region: args.region,
                    vpcId: args.vpcId,
                    replicaCount: 2,
                    serviceAccount: {
                        create: true,
                        name: LBC_SERVICE_ACCOUNT.name,
                        annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
                    },
                    ingressClass: args.className,
                    createIngressClassResource: true,
                    controllerConfig: { featureGates: { ALBGatewayAPI: true } },
                    // The webhook certificate is generated in a template (genCA) unless lookup() finds the Secret the
                    // last install made; helm.v4.Chart renders against the cluster, so reusing it keeps every later
                    // `pulumi up` free of a new certificate (the chart's default, set here so it stays so).
                    keepTLSSecret: true,
                    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                    // The chart's default, said here: it reconciles every app's load balancers and answers its own webhooks.
                    priorityClassName: SYSTEM_CLUSTER_CRITICAL,
                },
            },
            { parent: this, dependsOn: [this.gatewayApiCrds] },
        );
        this.gatewayClass = new k8s.apiextensions.CustomResource(
            `${name}-alb`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "GatewayClass",
                metadata: { name: args.className },
                spec: { controllerName: ALB_GATEWAY_CONTROLLER },
            },
            { parent: this, dependsOn: [this.chart] },
        );
        this.registerOutputs({});
    }
}
