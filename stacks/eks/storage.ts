import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { EksContext, irsaTrust, managedPolicy } from "./context";

const EBS_CSI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:ebs-csi-controller-sa";

/** EBS volumes: the aws-ebs-csi-driver add-on with its IRSA role, and the encrypted gp3 StorageClass. */
export function storage(x: EksContext, cluster: eks.Cluster, nodeGroup: aws.eks.NodeGroup, provider: k8s.Provider) {
    const { project, stack, onAws } = x;
    // IRSA: only the driver's controller service account may assume this role.
    const ebsCsiRole = new aws.iam.Role(
        `${project}-ebs-csi`,
        {
            description: `aws-ebs-csi-driver controller (IRSA) of ${project}/${stack}`,
            assumeRolePolicy: irsaTrust(cluster.oidcProviderArn, cluster.oidcIssuer, EBS_CSI_SERVICE_ACCOUNT),
        },
        onAws,
    );
    const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
        `${project}-ebs-csi`,
        { role: ebsCsiRole.name, policyArn: managedPolicy(x, "service-role/AmazonEBSCSIDriverPolicy") },
        onAws,
    );
    // After the nodes: the add-on only turns ACTIVE once its controller pods run.
    const ebsCsi = new aws.eks.Addon(
        `${project}-ebs-csi`,
        {
            clusterName: cluster.eksCluster.name,
            addonName: "aws-ebs-csi-driver",
            serviceAccountRoleArn: ebsCsiRole.arn,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
        },
        { ...onAws, dependsOn: [nodeGroup, ebsCsiPolicy] },
    );

    const gp3 = new k8s.storage.v1.StorageClass(
        "gp3",
        {
            metadata: { name: "gp3" },
            provisioner: "ebs.csi.aws.com",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            reclaimPolicy: "Delete",
            parameters: {
                type: "gp3",
                encrypted: "true",
                fsType: "ext4",
                // Volumes are made by the driver, outside the provider's default tags; these find a leftover one.
                tagSpecification_1: `Project=${project}`,
                tagSpecification_2: `Stack=${stack}`,
            },
        },
        { provider },
    );
    return { gp3, ebsCsi };
}
