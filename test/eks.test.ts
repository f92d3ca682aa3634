import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ticketbuster } from "../apps/ticketbuster";
import { isKubernetes, isSecretValue, one, plain, Registered, RunResult, runProgram } from "./harness";
import { expectConfigRejected } from "./config-errors";
import { EKS, EKS_KUBECONFIG, EKS_OIDC_ARN, eksCloudState } from "./cloud-mocks";

const ACCOUNT = EKS.account;
const PUBLIC_SUBNETS = EKS.publicSubnets;
const PRIVATE_SUBNETS = EKS.privateSubnets;
const OIDC_ISSUER = EKS.oidcIssuer;
const OIDC_ARN = EKS_OIDC_ARN;
const CLUSTER_NAME = EKS.clusterName;
const KUBECONFIG = EKS_KUBECONFIG;
/** What the cloud would compute (placeholders shared with `npm run render`). */
const cloudState = eksCloudState;

/** Runs the real program on the eks stack. */
async function runEks(eks?: Record<string, unknown>, config: Record<string, string> = {}): Promise<RunResult> {
    return runProgram({ stack: "eks", state: cloudState, config: { ...config, ...(eks ? { eks: JSON.stringify(eks) } : {}) } });
}

const urnOf = (type: string, name: string) => `urn:pulumi:eks::ticketbuster::${type}::${name}`;
const providerUrn = (r: Registered) => r.provider?.slice(0, r.provider.lastIndexOf("::"));
const byType = (run: RunResult, type: string) => run.resources.filter((r) => r.type === type);
const inputsOf = (run: RunResult, type: string) => plain(one(run.resources, type).inputs);
/** The EBS CSI add-on (the metrics-server add-on is another aws:eks/addon:Addon). */
const ebsCsiAddon = (run: RunResult) => one(run.resources.filter((r) => r.name === "ticketbuster-ebs-csi"), "aws:eks/addon:Addon");

const STATELESS_IMAGES = ticketbuster.tiers.filter((t) => t.kind === "stateless").map((t) => t.image);

let run: RunResult;
beforeAll(async () => {
    run = await runEks();
    if (run.error) throw run.error;
});

describe("eks stack: network", () => {
    it("builds the 10.0.0.0/16 VPC over 2 AZs with the Proyecto06 public and private /24s", () => {
        const vpc = inputsOf(run, "awsx:ec2:Vpc");
        expect(vpc.cidrBlock).toBe("10.0.0.0/16");
        expect(vpc.numberOfAvailabilityZones).toBe(2);
        expect(vpc.subnetStrategy).toBe("Auto");
        expect(vpc.subnetSpecs).toEqual([
            { type: "Public", cidrBlocks: ["10.0.0.0/24", "10.0.1.0/24"], tags: { "kubernetes.io/role/elb": "1" } },
            { type: "Private", cidrBlocks: ["10.0.2.0/24", "10.0.3.0/24"], tags: { "kubernetes.io/role/internal-elb": "1" } },
        ]);
        expect([vpc.enableDnsHostnames, vpc.enableDnsSupport]).toEqual([true, true]);
    });

    it("uses a single NAT gateway by default", () => {
        expect(inputsOf(run, "awsx:ec2:Vpc").natGateways).toEqual({ strategy: "Single" });
    });

    it("puts the worker nodes in the private subnets only, without public IPs", () => {
        const cluster = inputsOf(run, "eks:index:Cluster");
        expect(cluster.vpcId).toBe("vpc-0a1b2c");
        expect(cluster.privateSubnetIds).toEqual(PRIVATE_SUBNETS);
        expect(cluster.publicSubnetIds).toEqual(PUBLIC_SUBNETS);
        expect(cluster.nodeAssociatePublicIpAddress).toBe(false);
        expect(cluster.skipDefaultNodeGroup).toBe(true);
        const nodeGroup = inputsOf(run, "aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroup.subnetIds).toEqual(PRIVATE_SUBNETS);
        expect(byType(run, "aws:eks/nodeGroup:NodeGroup")).toHaveLength(1);
    });
});

describe("eks stack: cluster", () => {
    it("uses access entries (API mode), an OIDC provider and both API endpoints, public open by default", () => {
        const cluster = inputsOf(run, "eks:index:Cluster");
        expect(cluster.authenticationMode).toBe("API");
        expect(cluster.accessEntries).toEqual({});
        expect(cluster.createOidcProvider).toBe(true);
        expect(cluster.endpointPrivateAccess).toBe(true);
        expect(cluster.endpointPublicAccess).toBe(true);
        expect(cluster.publicAccessCidrs).toEqual(["0.0.0.0/0"]);
        expect(cluster.version).toBe("1.34");
    });

    it("encrypts Kubernetes Secrets with its own rotating KMS key and logs api, audit and authenticator", () => {
        // The other key is the backups bucket's (stacks/eks/workload-bucket.ts).
        const key = one(run.resources.filter((r) => r.name !== "ticketbuster-backups"), "aws:kms/key:Key");
        expect(plain(key.inputs).enableKeyRotation).toBe(true);
        const cluster = inputsOf(run, "eks:index:Cluster");
        expect(cluster.encryptionConfigKeyArn).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${key.name}`);
        expect(cluster.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator"]);
    });

    it("runs the VPC CNI with its network policy agent, so the app's NetworkPolicies are enforced", () => {
        const cluster = inputsOf(run, "eks:index:Cluster");
        expect(cluster.useDefaultVpcCni).toBe(false);
        expect(cluster.vpcCniOptions.enableNetworkPolicy).toBe(true);
        expect(byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").length).toBeGreaterThan(0);
    });

    it("runs a managed node group of 3 (2..5) t3.medium on the x86 AL2023 AMI, following the cluster version", () => {
        const nodeGroup = inputsOf(run, "aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroup.clusterName).toBe(CLUSTER_NAME);
        expect(nodeGroup.scalingConfig).toEqual({ desiredSize: 3, minSize: 2, maxSize: 5 });
        expect(nodeGroup.instanceTypes).toEqual(["t3.medium"]);
        expect(nodeGroup.amiType).toBe("AL2023_x86_64_STANDARD");
        expect(nodeGroup.version).toBe("1.34");
    });

    it("requires IMDSv2 with hop limit 1 and an encrypted root volume on every node", () => {
        const template = one(run.resources, "aws:ec2/launchTemplate:LaunchTemplate");
        const lt = plain(template.inputs);
        expect(lt.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        expect(lt.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: "true", volumeType: "gp3" });
        expect(inputsOf(run, "aws:eks/nodeGroup:NodeGroup").launchTemplate).toEqual({ id: `${template.name}-id`, version: "4" });
    });

    it("gives the node role the worker, CNI and ECR read-only policies", () => {
        const nodeRole = byType(run, "aws:iam/role:Role").find((r) => plain(r.inputs).assumeRolePolicy.includes("ec2.amazonaws.com"))!;
        expect(inputsOf(run, "aws:eks/nodeGroup:NodeGroup").nodeRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${nodeRole.name}-role`);
        const attached = byType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .map((r) => plain(r.inputs))
            .filter((a) => a.role === `${nodeRole.name}-role`)
            .map((a) => a.policyArn)
            .sort();
        expect(attached).toEqual([
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
    });

    it("tags every AWS resource with Project and Stack through one explicit provider in the configured region", () => {
        const aws = one(run.resources, "pulumi:providers:aws");
        const defaultTags = aws.inputs.defaultTags;
        expect(typeof defaultTags === "string" ? JSON.parse(defaultTags) : defaultTags).toEqual({
            tags: { Project: "ticketbuster", Stack: "eks" },
        });
        expect(aws.inputs.region).toBe("us-east-1");
        const awsUrn = urnOf("pulumi:providers:aws", aws.name);
        const awsResources = run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
        expect(awsResources.length).toBeGreaterThan(10);
        for (const r of awsResources) expect(providerUrn(r), `${r.type} ${r.name}`).toBe(awsUrn);
        for (const component of ["awsx:ec2:Vpc", "eks:index:Cluster"]) {
            const r = one(run.resources, component);
            expect(r.providers.aws?.startsWith(`${awsUrn}::`), component).toBe(true);
        }
        // Instances launched by the node group are outside the provider's default tags.
        const specs = plain(one(run.resources, "aws:ec2/launchTemplate:LaunchTemplate").inputs).tagSpecifications;
        expect(specs.map((s: any) => s.resourceType)).toEqual(expect.arrayContaining(["instance", "volume"]));
        for (const s of specs) expect(s.tags).toEqual({ Project: "ticketbuster", Stack: "eks" });
    });
});

describe("eks stack: storage", () => {
    it("installs the aws-ebs-csi-driver add-on with an IRSA role bound to its controller service account", () => {
        const addon = plain(ebsCsiAddon(run).inputs);
        expect(addon.addonName).toBe("aws-ebs-csi-driver");
        expect(addon.clusterName).toBe(CLUSTER_NAME);
        const role = byType(run, "aws:iam/role:Role").find((r) => plain(r.inputs).assumeRolePolicy.includes("AssumeRoleWithWebIdentity"))!;
        expect(addon.serviceAccountRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${role.name}-role`);
        const trust = JSON.parse(plain(role.inputs).assumeRolePolicy);
        expect(trust.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Federated: OIDC_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa",
                        [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
        const attachments = byType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .map((r) => plain(r.inputs))
            .filter((a) => a.role === `${role.name}-role`);
        expect(attachments.map((a) => a.policyArn)).toEqual(["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    });

    it("creates the add-on after the node group (its controller needs nodes)", () => {
        const addon = ebsCsiAddon(run);
        const nodeGroup = one(run.resources, "aws:eks/nodeGroup:NodeGroup");
        expect(addon.dependencies).toContain(urnOf(nodeGroup.type, nodeGroup.name));
    });

    it("puts postgres-pvc and rabbitmq-pvc on an encrypted gp3 StorageClass bound at first consumer", () => {
        const storageClass = one(run.resources, "kubernetes:storage.k8s.io/v1:StorageClass");
        const sc = plain(storageClass.inputs);
        expect(sc.provisioner).toBe("ebs.csi.aws.com");
        expect(sc.parameters).toMatchObject({ type: "gp3", encrypted: "true" });
        expect(sc.volumeBindingMode).toBe("WaitForFirstConsumer");
        const claims = byType(run, "kubernetes:core/v1:PersistentVolumeClaim").map((r) => plain(r.inputs));
        expect(claims.map((c) => [c.metadata.name, c.spec.storageClassName])).toEqual([
            ["postgres-pvc", sc.metadata.name],
            ["rabbitmq-pvc", sc.metadata.name],
        ]);
    });

    it("protects the database volumes on this stack (protectData: true in Pulumi.eks.yaml)", () => {
        for (const claim of byType(run, "kubernetes:core/v1:PersistentVolumeClaim")) {
            expect([claim.protect, claim.retainOnDelete], claim.name).toEqual([true, true]);
        }
    });

    it("makes the app wait for the StorageClass, the EBS add-on and the Load Balancer Controller (whose Service webhook fails closed)", () => {
        const app = one(run.resources, "ticketbuster:app:Application");
        const storageClass = one(run.resources, "kubernetes:storage.k8s.io/v1:StorageClass");
        const addon = ebsCsiAddon(run);
        // A dependency on the controller's component is one on each of its children: the chart (awaited to its
        // Deployment's readiness by the engine), the Gateway API CRDs and the GatewayClass.
        const chart = one(run.resources, "kubernetes:helm.sh/v4:Chart");
        const gatewayClass = one(run.resources, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass");
        expect(app.dependencies).toEqual(
            expect.arrayContaining([urnOf(storageClass.type, storageClass.name), urnOf(addon.type, addon.name), chart.urn, gatewayClass.urn]),
        );
        // Every object of the app is the Application's child: it registers only once the Application is registered,
        // which the SDK does only after those dependencies are done. The chart itself waits for the nodes.
        expect(run.resources.filter((r) => r.urn.includes("::ticketbuster:app:Application$")).length).toBeGreaterThan(40);
        const nodeGroup = one(run.resources, "aws:eks/nodeGroup:NodeGroup");
        expect(one(run.resources, "ticketbuster:addons:AwsLoadBalancerController").dependencies).toContain(urnOf(nodeGroup.type, nodeGroup.name));
    });

    it("without the controller (addons.gateway false): no such wait, and the in-tree NLB annotations", async () => {
        const bare = await runEks(undefined, { addons: JSON.stringify({ gateway: false }) });
        if (bare.error) throw bare.error;
        const app = one(bare.resources, "ticketbuster:app:Application");
        expect(app.dependencies.some((d) => d.includes("AwsLoadBalancerController"))).toBe(false);
        const frontend = bare.resources.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => plain(r.inputs)).find((s) => s.metadata.name === "frontend");
        expect(frontend.metadata.annotations).toEqual({
            "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
            "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
        });
    });
});

describe("eks stack: registry and images", () => {
    it("creates one ECR repository per app image: scan on push, immutable tags, no force delete", () => {
        const repos = byType(run, "aws:ecr/repository:Repository").map((r) => plain(r.inputs));
        expect(repos.map((r) => r.name)).toEqual(STATELESS_IMAGES.map((image) => `ticketbuster-eks/${image}`));
        expect(STATELESS_IMAGES).toEqual(["frontend", "api-gateway", "catalog-service", "notification-service", "order-worker"]);
        for (const repo of repos) {
            expect(repo.imageScanningConfiguration, repo.name).toEqual({ scanOnPush: true });
            expect(repo.imageTagMutability, repo.name).toBe("IMMUTABLE");
            expect(repo.forceDelete, repo.name).toBe(false);
        }
    });

    it("gives every repository a lifecycle policy that keeps the last 10 images", () => {
        const policies = byType(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy").map((r) => plain(r.inputs));
        expect(policies.map((p) => p.repository)).toEqual(STATELESS_IMAGES.map((image) => `ticketbuster-eks/${image}`));
        for (const p of policies) {
            const rules = JSON.parse(p.policy).rules;
            expect(rules).toHaveLength(1);
            expect(rules[0].selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 });
            expect(rules[0].action).toEqual({ type: "expire" });
        }
    });

    it("points every app Deployment at its ECR repository with the configured tag; databases stay upstream", () => {
        for (const image of STATELESS_IMAGES) {
            const deployment = byType(run, "kubernetes:apps/v1:Deployment").find((d) => plain(d.inputs).metadata.name === image)!;
            const container = plain(deployment.inputs).spec.template.spec.containers[0];
            expect(container.image).toBe(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ticketbuster-eks/${image}:1.0.0`);
        }
        for (const set of byType(run, "kubernetes:apps/v1:StatefulSet")) {
            expect(plain(set.inputs).spec.template.spec.containers[0].image).not.toContain(".dkr.ecr.");
        }
    });

    it("exposes the frontend through an internet-facing NLB of the Load Balancer Controller (its webhook claims every LoadBalancer Service) and nothing else", () => {
        const services = byType(run, "kubernetes:core/v1:Service").map((r) => plain(r.inputs));
        const frontend = services.find((s) => s.metadata.name === "frontend");
        expect(frontend.spec.type).toBe("LoadBalancer");
        expect(frontend.metadata.annotations).toEqual({
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
        });
        for (const s of services.filter((x) => x.metadata.name !== "frontend")) {
            expect(s.spec.type ?? "ClusterIP", s.metadata.name).toBe("ClusterIP");
            // No load balancer annotation; only Pulumi's own (see SKIP_AWAIT in components/pod.ts).
            expect(s.metadata.annotations, s.metadata.name).toEqual({ "pulumi.com/skipAwait": "true" });
        }
    });
});

describe("eks stack: Kubernetes objects and outputs", () => {
    it("creates every Kubernetes object through the EKS cluster's provider, built from its kubeconfig", () => {
        const provider = one(run.resources, "pulumi:providers:kubernetes");
        expect(provider.name).toBe("eks");
        expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
        const kubeconfig = JSON.parse(plain(provider.inputs).kubeconfig);
        expect(kubeconfig.clusters).toEqual(KUBECONFIG.clusters);
        // pulumi-eks omits --region; the program adds the stack's region.
        expect(kubeconfig.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", CLUSTER_NAME, "--region", "us-east-1"]);
        const objects = run.resources.filter(isKubernetes);
        expect(objects.length).toBeGreaterThan(30);
        for (const r of objects) expect(providerUrn(r), `${r.type} ${r.name}`).toBe(urnOf("pulumi:providers:kubernetes", "eks"));
    });


    it("outputs the cluster name, VPC id, ECR URLs and the kubeconfig as a secret", async () => {
        expect(run.outputs).toMatchObject({ target: "eks", clusterName: CLUSTER_NAME, vpcId: "vpc-0a1b2c", region: "us-east-1" });
        expect(run.outputs.ecrRepositories).toEqual(
            Object.fromEntries(STATELESS_IMAGES.map((i) => [i, `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ticketbuster-eks/${i}`])),
        );
        expect(pulumi.Output.isInstance(run.raw.kubeconfig)).toBe(true);
        expect(await pulumi.isSecret(run.raw.kubeconfig as pulumi.Output<string>)).toBe(true);
        expect(await pulumi.isSecret(run.raw.clusterName as pulumi.Output<string>)).toBe(false);
        expect(JSON.parse(run.outputs.kubeconfig as string).users[0].user.exec.args).toContain("--region");
    });
});

describe("eks stack: config is honoured", () => {
    let custom: RunResult;
    beforeAll(async () => {
        custom = await runEks(
            {
                region: "eu-west-3",
                azCount: 3,
                vpcCidr: "10.20.0.0/16",
                publicSubnetCidrs: ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"],
                privateSubnetCidrs: ["10.20.16.0/20", "10.20.32.0/20", "10.20.48.0/20"],
                natGateways: "OnePerAz",
                instanceType: "m7g.large",
                desiredNodes: 4,
                minNodes: 3,
                maxNodes: 8,
                publicAccessCidrs: ["203.0.113.0/24"],
                clusterAdmins: [`arn:aws:iam::${ACCOUNT}:role/platform-admin`],
                ecrKeepImages: 25,
                forceDeleteRepositories: true,
            },
            { imageTag: "3f2a9c1" },
        );
        if (custom.error) throw custom.error;
    });

    it("lays out the VPC and NAT gateways as configured", () => {
        const vpc = inputsOf(custom, "awsx:ec2:Vpc");
        expect(vpc.cidrBlock).toBe("10.20.0.0/16");
        expect(vpc.numberOfAvailabilityZones).toBe(3);
        expect(vpc.subnetSpecs.map((s: any) => s.cidrBlocks)).toEqual([
            ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"],
            ["10.20.16.0/20", "10.20.32.0/20", "10.20.48.0/20"],
        ]);
        expect(vpc.natGateways).toEqual({ strategy: "OnePerAz" });
        expect(one(custom.resources, "pulumi:providers:aws").inputs.region).toBe("eu-west-3");
    });

    it("sizes the node group and picks the ARM AMI for a Graviton type", () => {
        const nodeGroup = inputsOf(custom, "aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroup.scalingConfig).toEqual({ desiredSize: 4, minSize: 3, maxSize: 8 });
        expect(nodeGroup.instanceTypes).toEqual(["m7g.large"]);
        expect(nodeGroup.amiType).toBe("AL2023_ARM_64_STANDARD");
    });

    it("restricts the public endpoint and grants cluster-admin to the listed principals", () => {
        const cluster = inputsOf(custom, "eks:index:Cluster");
        expect(cluster.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
        expect(cluster.endpointPrivateAccess).toBe(true);
        expect(Object.values(cluster.accessEntries)).toEqual([
            {
                principalArn: `arn:aws:iam::${ACCOUNT}:role/platform-admin`,
                accessPolicies: {
                    admin: {
                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            },
        ]);
    });

    it("applies the ECR retention, force-delete switch and image tag", () => {
        for (const repo of byType(custom, "aws:ecr/repository:Repository")) expect(plain(repo.inputs).forceDelete).toBe(true);
        for (const p of byType(custom, "aws:ecr/lifecyclePolicy:LifecyclePolicy")) {
            expect(JSON.parse(plain(p.inputs).policy).rules[0].selection.countNumber).toBe(25);
        }
        const api = byType(custom, "kubernetes:apps/v1:Deployment").find((d) => plain(d.inputs).metadata.name === "api-gateway")!;
        expect(plain(api.inputs).spec.template.spec.containers[0].image).toBe(
            `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ticketbuster-eks/api-gateway:3f2a9c1`,
        );
    });
});

interface BadEks {
    what: string;
    eks: Record<string, unknown>;
    expect: string[];
}

const badConfigs: BadEks[] = [
    {
        what: "a region that is not a region code",
        eks: { region: "virginia" },
        expect: ['ticketbuster:eks.region: got "virginia"', "allowed: an AWS region code such as us-east-1"],
    },
    {
        what: "minNodes above maxNodes",
        eks: { minNodes: 6, maxNodes: 4, desiredNodes: 4 },
        expect: ["ticketbuster:eks.minNodes: got 6", "allowed: at most maxNodes (4)"],
    },
    {
        what: "desiredNodes outside [minNodes, maxNodes]",
        eks: { desiredNodes: 9 },
        expect: ["ticketbuster:eks.desiredNodes: got 9", "allowed: 2..5"],
    },
    {
        what: "a malformed VPC CIDR",
        eks: { vpcCidr: "10.0.0.0/33" },
        expect: ['ticketbuster:eks.vpcCidr: got "10.0.0.0/33"', "allowed: an IPv4 CIDR"],
    },
    {
        what: "a public access entry that is not a CIDR",
        eks: { publicAccessCidrs: ["203.0.113.7"] },
        expect: ['ticketbuster:eks.publicAccessCidrs.0: got "203.0.113.7"', "allowed: an IPv4 CIDR"],
    },
    {
        what: "a subnet outside the VPC",
        eks: { privateSubnetCidrs: ["10.0.2.0/24", "10.1.3.0/24"] },
        expect: ['ticketbuster:eks.privateSubnetCidrs.1: got "10.1.3.0/24"', "allowed: a block inside vpcCidr 10.0.0.0/16"],
    },
    {
        what: "overlapping subnets",
        eks: { publicSubnetCidrs: ["10.0.0.0/24", "10.0.2.0/23"] },
        expect: [
            "ticketbuster:eks.privateSubnetCidrs.0: got",
            "allowed: non-overlapping blocks; 10.0.2.0/24 overlaps publicSubnetCidrs[1] 10.0.2.0/23",
        ],
    },
    {
        what: "fewer subnets than availability zones",
        eks: { azCount: 3, publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"], privateSubnetCidrs: ["10.0.2.0/24", "10.0.3.0/24"] },
        expect: ['ticketbuster:eks.publicSubnetCidrs: got ["10.0.0.0/24","10.0.1.0/24"]', "allowed: exactly azCount (3) CIDRs"],
    },
    {
        what: "an unknown NAT strategy",
        eks: { natGateways: "None" },
        expect: ['ticketbuster:eks.natGateways: got "None"', "allowed: Single, OnePerAz"],
    },
    {
        what: "a misspelt key",
        eks: { nodeCount: 3 },
        expect: ["ticketbuster:eks.nodeCount: unknown key", "allowed: region, vpcCidr"],
    },
];

describe("eks stack: bad config", () => {
    it.each(badConfigs)("rejects $what before registering any resource", async (c) => {
        const result = await runProgram({ stack: "eks", state: cloudState, config: { eks: JSON.stringify(c.eks) } });
        expectConfigRejected(result, c.expect);
    });
});
