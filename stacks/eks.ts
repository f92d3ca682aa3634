import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isStateless } from "../apps/wiring";
import type { StackConfig } from "../config";
import { loadBalancerController } from "./eks/load-balancer-controller";
import type { Platform } from "./platform";

/** ALB (AWS Load Balancer Controller) for both Ingress and Gateway API. */
const ALB_CLASS = "alb";

/** Read by the in-tree AWS cloud provider: an internet-facing NLB instead of a Classic ELB. */
const NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
};

const EBS_CSI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:ebs-csi-controller-sa";
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/**
 * An EKS cluster in its own VPC, nodes in the private subnets, EBS-backed storage and one ECR
 * repository per app image. Every Kubernetes object goes through this cluster's provider, so
 * `pulumi destroy` deletes them (and the NLB behind the frontend Service) before the nodes,
 * the cluster and the VPC.
 */
export function eksPlatform(cfg: StackConfig & { target: "eks" }): Platform {
    const c = cfg.eks;
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const partition = partitionOf(c.region);
    const managedPolicy = (name: string) => `arn:${partition}:iam::aws:policy/${name}`;
    const tags = { Project: project, Stack: stack };
    // The chosen app's own images (its stateless tiers); data stores stay pinned upstream images.
    const appImages = [...new Set(cfg.app.tiers.filter(isStateless).map((t) => t.image))];

    // Every AWS resource, including those inside the awsx/eks components, gets the region and tags from here.
    const awsProvider = new aws.Provider("aws", { region: c.region, defaultTags: { tags } });
    const onAws = { provider: awsProvider };
    const inAwsComponent = { providers: { aws: awsProvider } };

    const vpc = new awsx.ec2.Vpc(
        `${project}-vpc`,
        {
            cidrBlock: c.vpcCidr,
            numberOfAvailabilityZones: c.azCount,
            subnetStrategy: "Auto",
            subnetSpecs: [
                // Role tags tell the AWS cloud provider where to put internet-facing and internal load balancers.
                { type: "Public", cidrBlocks: c.publicSubnetCidrs, tags: { "kubernetes.io/role/elb": "1" } },
                { type: "Private", cidrBlocks: c.privateSubnetCidrs, tags: { "kubernetes.io/role/internal-elb": "1" } },
            ],
            natGateways: { strategy: c.natGateways },
            enableDnsHostnames: true,
            enableDnsSupport: true,
        },
        inAwsComponent,
    );

    const secretsKey = new aws.kms.Key(
        `${project}-eks-secrets`,
        { description: `Envelope encryption of Kubernetes Secrets, EKS cluster of ${project}/${stack}`, enableKeyRotation: true },
        onAws,
    );

    const cluster = new eks.Cluster(
        `${project}-eks`,
        {
            version: c.kubernetesVersion,
            // STANDARD: no extended-support surcharge; AWS upgrades the control plane when support ends.
            upgradePolicy: { supportType: "STANDARD" },
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.publicSubnetIds,
            privateSubnetIds: vpc.privateSubnetIds,
            nodeAssociatePublicIpAddress: false,
            skipDefaultNodeGroup: true,
            // Managed nodes and the control plane share the security group EKS creates itself.
            skipDefaultSecurityGroups: true,
            authenticationMode: eks.AuthenticationMode.Api,
            accessEntries: Object.fromEntries(
                c.clusterAdmins.map((arn) => [
                    arn.slice(arn.lastIndexOf(":") + 1).replace(/\//g, "-"),
                    {
                        principalArn: arn,
                        accessPolicies: {
                            admin: {
                                policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                                accessScope: { type: "cluster" },
                            },
                        },
                    },
                ]),
            ),
            createOidcProvider: true,
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: c.publicAccessCidrs,
            encryptionConfigKeyArn: secretsKey.arn,
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            // The VPC CNI as a managed add-on with its policy agent: without it, the app's NetworkPolicies are ignored.
            useDefaultVpcCni: false,
            vpcCniOptions: { enableNetworkPolicy: true },
        },
        inAwsComponent,
    );
    const clusterName = cluster.eksCluster.name;
    const kubeconfig = pulumi.secret(cluster.kubeconfigJson.apply((json) => withRegion(json, c.region)));
    const provider = new k8s.Provider("eks", { kubeconfig });

    const nodeRole = new aws.iam.Role(
        `${project}-nodes`,
        {
            description: `EKS worker nodes of ${project}/${stack}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        },
        onAws,
    );
    const nodePolicies = NODE_POLICIES.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${project}-nodes-${policy}`,
                { role: nodeRole.name, policyArn: managedPolicy(policy) },
                onAws,
            ),
    );

    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${project}-nodes`,
        {
            description: `EKS worker nodes of ${project}/${stack}: IMDSv2 only, encrypted gp3 root volume`,
            updateDefaultVersion: true,
            // Hop limit 1 keeps pods off the node's instance role; the add-ons that need AWS use IRSA or host networking.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                },
            ],
            // Provider default tags stop at the launch template; these reach the instances EKS launches.
            tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags })),
        },
        onAws,
    );

    const nodeGroup = new aws.eks.NodeGroup(
        `${project}-nodes`,
        {
            clusterName,
            version: c.kubernetesVersion,
            nodeRoleArn: nodeRole.arn,
            subnetIds: vpc.privateSubnetIds,
            instanceTypes: [c.instanceType],
            amiType: isGraviton(c.instanceType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
            scalingConfig: { desiredSize: c.desiredNodes, minSize: c.minNodes, maxSize: c.maxNodes },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
        },
        { ...onAws, dependsOn: nodePolicies },
    );

    // IRSA: only the driver's controller service account may assume this role.
    const ebsCsiRole = new aws.iam.Role(
        `${project}-ebs-csi`,
        {
            description: `aws-ebs-csi-driver controller (IRSA) of ${project}/${stack}`,
            assumeRolePolicy: pulumi.all([cluster.oidcProviderArn, cluster.oidcIssuer]).apply(([providerArn, issuer]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Federated: providerArn },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: {
                                StringEquals: { [`${issuer}:sub`]: EBS_CSI_SERVICE_ACCOUNT, [`${issuer}:aud`]: "sts.amazonaws.com" },
                            },
                        },
                    ],
                }),
            ),
        },
        onAws,
    );
    const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
        `${project}-ebs-csi`,
        { role: ebsCsiRole.name, policyArn: managedPolicy("service-role/AmazonEBSCSIDriverPolicy") },
        onAws,
    );
    // After the nodes: the add-on only turns ACTIVE once its controller pods run.
    const ebsCsi = new aws.eks.Addon(
        `${project}-ebs-csi`,
        {
            clusterName,
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

    const repositories = Object.fromEntries(
        appImages.map((image) => {
            const repository = new aws.ecr.Repository(
                `${project}-${image}`,
                {
                    name: `${project}-${stack.toLowerCase()}/${image}`,
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    forceDelete: c.forceDeleteRepositories,
                },
                onAws,
            );
            new aws.ecr.LifecyclePolicy(
                `${project}-${image}`,
                { repository: repository.name, policy: JSON.stringify(keepLastImages(c.ecrKeepImages)) },
                onAws,
            );
            return [image, repository];
        }),
    );

    // The EKS metrics-server add-on (resource metrics for the HPAs); ACTIVE only once nodes run it.
    const metricsServer = cfg.addons.metricsServer
        ? new aws.eks.Addon(
              `${project}-metrics-server`,
              { clusterName, addonName: "metrics-server", resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "PRESERVE" },
              { ...onAws, dependsOn: [nodeGroup] },
          )
        : undefined;
    const className = cfg.routeClassName ?? ALB_CLASS;
    const lbController = cfg.addons.gateway
        ? loadBalancerController(
              {
                  project,
                  stack,
                  partition,
                  region: c.region,
                  clusterName,
                  vpcId: vpc.vpcId,
                  oidcProviderArn: cluster.oidcProviderArn,
                  oidcIssuer: cluster.oidcIssuer,
                  className,
              },
              onAws,
              { providers: { kubernetes: provider }, dependsOn: [nodeGroup] },
          )
        : undefined;

    return {
        provider,
        storageClass: cfg.storageClass ?? gp3.metadata.name,
        kind: "cloud",
        loadBalancerAnnotations: NLB_ANNOTATIONS,
        routing: {
            gatewayClassName: className,
            ingressClassName: className,
            listenerPort: 80,
            ingressAnnotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/target-type": "ip" },
            // An internet-facing ALB in IP mode reaches pods from its nodes in the public subnets.
            sources: cfg.routeControllerNamespace
                ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.routeControllerNamespace } } }]
                : c.publicSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            // The controller and its GatewayClass: on destroy the routes (and their ALBs) go first.
            dependsOn: lbController && [lbController],
        },
        addons: { metricsServer, gatewayController: lbController },
        imageRepository: (image) => {
            const repository = repositories[image];
            if (!repository) throw new Error(`no ECR repository for image "${image}"; known: ${appImages.join(", ")}`);
            return repository.repositoryUrl;
        },
        dependsOn: [gp3, ebsCsi],
        outputs: {
            region: c.region,
            clusterName,
            kubeconfig,
            ecrRepositories: Object.fromEntries(Object.entries(repositories).map(([image, r]) => [image, r.repositoryUrl])),
            vpcId: vpc.vpcId,
        },
    };
}

function partitionOf(region: string): string {
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** t4g, m7g, c6gn...: the AL2023 AMI must match the CPU architecture. */
function isGraviton(instanceType: string): boolean {
    return /^[a-z]+[0-9]+[a-z]*g[a-z]*\./.test(instanceType);
}

function keepLastImages(count: number) {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Keep the last ${count} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: count },
                action: { type: "expire" },
            },
        ],
    };
}

/**
 * pulumi-eks leaves `--region` out of the `aws eks get-token` exec (pulumi/pulumi-eks#1038), so the
 * token would be requested in whatever region the caller's AWS CLI defaults to.
 */
function withRegion(kubeconfigJson: string, region: string): string {
    const config = JSON.parse(kubeconfigJson) as { users?: { user?: { exec?: { command?: string; args?: string[] } } }[] };
    for (const { user } of config.users ?? []) {
        const exec = user?.exec;
        if (exec?.command === "aws" && exec.args && !exec.args.includes("--region")) exec.args.push("--region", region);
    }
    return JSON.stringify(config);
}
