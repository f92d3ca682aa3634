import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsLoadBalancerController, LBC_SERVICE_ACCOUNT } from "../../components/addons/aws-load-balancer-controller";
import { irsaTrust } from "./context";
import LBC_POLICY from "./load-balancer-controller-policy.json";

/**
 * The IAM policy of the AWS Load Balancer Controller, as documented for the pinned controller
 * (docs/install/iam_policy.json of kubernetes-sigs/aws-load-balancer-controller at v2.14.0; keep it
 * in step with CHARTS.awsLoadBalancerController). ARNs say `arn:aws:`; other partitions swap it.
 */
export function lbcPolicyDocument(partition: string): string {
    return JSON.stringify(LBC_POLICY).replace(/arn:aws:/g, `arn:${partition}:`);
}

export interface LoadBalancerControllerArgs {
    project: string;
    stack: string;
    partition: string;
    region: string;
    clusterName: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    className: string;
}

/** The controller's IRSA role (only its ServiceAccount may assume it) with the documented policy, then the chart. */
export function loadBalancerController(
    a: LoadBalancerControllerArgs,
    onAws: pulumi.CustomResourceOptions,
    onCluster: pulumi.ComponentResourceOptions,
): AwsLoadBalancerController {
    const subject = `system:serviceaccount:${LBC_SERVICE_ACCOUNT.namespace}:${LBC_SERVICE_ACCOUNT.name}`;
    const role = new aws.iam.Role(
        `${a.project}-lb-controller`,
        {
            description: `AWS Load Balancer Controller (IRSA) of ${a.project}/${a.stack}`,
            assumeRolePolicy: irsaTrust(a.oidcProviderArn, a.oidcIssuer, subject),
        },
        onAws,
    );
    const policy = new aws.iam.RolePolicy(`${a.project}-lb-controller`, { role: role.id, policy: lbcPolicyDocument(a.partition) }, onAws);
    return new AwsLoadBalancerController(
        "aws-load-balancer-controller",
        { clusterName: a.clusterName, region: a.region, vpcId: a.vpcId, roleArn: role.arn, className: a.className },
        { ...onCluster, dependsOn: [...((onCluster.dependsOn as pulumi.Resource[]) ?? []), policy] },
    );
}
