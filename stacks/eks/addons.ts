import * as aws from "@pulumi/aws";
import type { Vpc } from "@pulumi/awsx/ec2";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import type { AddonConfig } from "../../config";
import type { EksContext } from "./context";
import { loadBalancerController } from "./load-balancer-controller";

/** The EKS target's add-ons: the EKS metrics-server add-on and the AWS Load Balancer Controller. */
export function eksAddons(
    x: EksContext,
    addons: AddonConfig,
    a: { cluster: eks.Cluster; vpc: Vpc; nodeGroup: aws.eks.NodeGroup; provider: k8s.Provider; className: string },
) {
    // Resource metrics for the HPAs; ACTIVE only once nodes run it.
    const metricsServer = addons.metricsServer
        ? new aws.eks.Addon(
              `${x.project}-metrics-server`,
              {
                  clusterName: a.cluster.eksCluster.name,
                  addonName: "metrics-server",
                  resolveConflictsOnCreate: "OVERWRITE",
                  resolveConflictsOnUpdate: "PRESERVE",
              },
              { ...x.onAws, dependsOn: [a.nodeGroup] },
          )
        : undefined;
    const gatewayController = addons.gateway
        ? loadBalancerController(
              {
                  project: x.project,
                  stack: x.stack,
                  partition: x.partition,
                  region: x.c.region,
                  clusterName: a.cluster.eksCluster.name,
                  vpcId: a.vpc.vpcId,
                  oidcProviderArn: a.cluster.oidcProviderArn,
                  oidcIssuer: a.cluster.oidcIssuer,
                  className: a.className,
              },
              x.onAws,
              { providers: { kubernetes: a.provider }, dependsOn: [a.nodeGroup] },
          )
        : undefined;
    return { metricsServer, gatewayController };
}
