/** What EKS and the AWS Load Balancer Controller provide by convention, shared by an EKS platform and the app stacks on it. */
import * as pulumi from "@pulumi/pulumi";

/** Read by the in-tree AWS cloud provider (no Load Balancer Controller): an internet-facing NLB instead of a Classic ELB. */
export const NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
};

/**
 * With the AWS Load Balancer Controller installed, its Service webhook (enableServiceMutatorWebhook,
 * on by default since v2.5) gives every new LoadBalancer Service `loadBalancerClass: service.k8s.aws/nlb`,
 * and the controller then makes an *internal* NLB unless told otherwise: the public tier says
 * internet-facing, with IP targets (the pods, as the ALB routes do) and cross-zone balancing.
 */
export const LBC_NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
};

/** ALB (AWS Load Balancer Controller) for both Ingress and Gateway API. */
export const eksRouting = {
    className: "alb",
    /** The routing an app gets on EKS: the ALB's listener, and where its traffic comes from. */
    routing: (className: string, controllerNamespace: string | undefined, publicSubnetCidrs: string[]) => ({
        gatewayClassName: className,
        ingressClassName: className,
        listenerPort: 80,
        ingressAnnotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/target-type": "ip" },
        ...(controllerNamespace !== undefined ? { controllerNamespace } : {}),
        // An internet-facing ALB in IP mode reaches pods from its nodes in the public subnets.
        sources: controllerNamespace
            ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": controllerNamespace } } }]
            : publicSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    }),
};

/** The registry every ECR repository of the account and region lives in (what `docker login` takes). */
export const ecrRegistryHost = (accountId: pulumi.Input<string>, region: string) => pulumi.interpolate`${accountId}.dkr.ecr.${region}.amazonaws.com`;
