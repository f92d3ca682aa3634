/**
 * Placeholder outputs of the cloud resources the eks and gke stacks create (what AWS / GCP would
 * compute), shared by the stack tests and by `npm run render`: with them the program runs to the end
 * under Pulumi mocks, without credentials. None of these values exists in any account.
 */
import { RunOptions, runProgram, stackConfig, stackFile } from "./harness";

const hasStackFile = (stack: string) => {
    try {
        stackFile(stack);
        return true;
    } catch {
        return false;
    }
};

export const EKS = {
    account: "123456789012",
    region: "us-east-1",
    publicSubnets: ["subnet-pub-a", "subnet-pub-b"],
    privateSubnets: ["subnet-priv-a", "subnet-priv-b"],
    vpcId: "vpc-0a1b2c",
    oidcIssuer: "oidc.eks.us-east-1.amazonaws.com/id/5C1A0B2D",
    clusterName: "ticketbuster-eks-cluster-7d1e0f3",
    server: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
    launchTemplateVersion: 4,
    /** An ALB's DNS name, as the controller writes it into a route's status. */
    albHostname: "k8s-app-1a2b3c4d5e-1234567890.us-east-1.elb.amazonaws.com",
    acmToken: "3f2a9c1e0b7d",
};
export const EKS_OIDC_ARN = `arn:aws:iam::${EKS.account}:oidc-provider/${EKS.oidcIssuer}`;

/** As pulumi-eks writes it: no --region in the exec args. */
export const EKS_KUBECONFIG = {
    apiVersion: "v1",
    clusters: [{ name: "kubernetes", cluster: { server: EKS.server, "certificate-authority-data": "LS0t" } }],
    contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
    "current-context": "aws",
    kind: "Config",
    users: [
        {
            name: "aws",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", EKS.clusterName],
                },
            },
        },
    ],
};

/** Outputs of the remote components and of a few AWS resources. */
export const eksCloudState: NonNullable<RunOptions["state"]> = ({ type, name, inputs }) => {
    switch (type) {
        case "awsx:ec2:Vpc":
            return { vpcId: EKS.vpcId, publicSubnetIds: EKS.publicSubnets, privateSubnetIds: EKS.privateSubnets };
        case "eks:index:Cluster":
            return {
                eksCluster: { name: EKS.clusterName },
                kubeconfigJson: JSON.stringify(EKS_KUBECONFIG),
                oidcProviderArn: EKS_OIDC_ARN,
                oidcIssuer: EKS.oidcIssuer,
            };
        case "aws:iam/role:Role":
            return { name: `${name}-role`, arn: `arn:aws:iam::${EKS.account}:role/${name}-role` };
        case "aws:kms/key:Key":
            return { arn: `arn:aws:kms:${EKS.region}:${EKS.account}:key/${name}` };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: EKS.launchTemplateVersion };
        case "aws:ecr/repository:Repository":
            return { repositoryUrl: `${EKS.account}.dkr.ecr.${EKS.region}.amazonaws.com/${inputs.name}` };
        case "aws:acm/certificate:Certificate":
            return {
                arn: `arn:aws:acm:${EKS.region}:${EKS.account}:certificate/${name}`,
                domainValidationOptions: [
                    {
                        domainName: inputs.domainName,
                        resourceRecordName: `_${EKS.acmToken}.${inputs.domainName}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${EKS.acmToken}.acm-validations.aws.`,
                    },
                ],
            };
        case "aws:route53/record:Record":
            return { fqdn: String(inputs.name).replace(/\.$/, "") };
        case "kubernetes:gateway.networking.k8s.io/v1:Gateway":
            return { status: { addresses: [{ type: "Hostname", value: EKS.albHostname }] } };
        case "kubernetes:networking.k8s.io/v1:Ingress":
            return { status: { loadBalancer: { ingress: [{ hostname: EKS.albHostname }] } } };
        case "aws:s3/bucket:Bucket":
            return { arn: `arn:aws:s3:::${inputs.bucket}` };
    }
    return undefined;
};

export const GKE = {
    clusterName: "ticketbuster-gke-5e1f2a7",
    endpoint: "34.118.10.20",
    caData: Buffer.from("-----BEGIN CERTIFICATE-----\nMIIC-test-ca\n-----END CERTIFICATE-----\n").toString("base64"),
    /** A reserved global IP (TEST-NET-3, documentation range). */
    address: "203.0.113.80",
    authorizationToken: "8c1f0e2d-7b6a",
};

/** What GCP would compute for a few resources; service account emails live in `project`. */
export function gkeCloudState(project: string): NonNullable<RunOptions["state"]> {
    return ({ type, name, inputs }) => {
        switch (type) {
            case "gcp:container/cluster:Cluster":
                return { name: GKE.clusterName, endpoint: GKE.endpoint, masterAuth: { clusterCaCertificate: GKE.caData } };
            case "gcp:serviceaccount/account:Account": {
                const email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
                return { email, name: `projects/${project}/serviceAccounts/${email}` };
            }
            case "gcp:storage/bucket:Bucket":
                return { url: `gs://${inputs.name}` };
            case "gcp:compute/router:Router":
                return { name: `${name}-a1b2c3d` };
            case "gcp:compute/globalAddress:GlobalAddress":
                return { name: `${name}-a1b2c3d`, address: GKE.address };
            case "gcp:certificatemanager/dnsAuthorization:DnsAuthorization":
                return {
                    dnsResourceRecords: [{ name: `_acme-challenge.${inputs.domain}.`, type: "CNAME", data: `${GKE.authorizationToken}.9.authorize.certificatemanager.goog.` }],
                };
            case "gcp:certificatemanager/certificateMap:CertificateMap":
            case "gcp:compute/managedSslCertificate:ManagedSslCertificate":
                return { name: `${name}-a1b2c3d` };
        }
        return undefined;
    };
}

/**
 * The mock state for a stack's target, as its stack file (or an overriding `target` / `gke` key in
 * `config`) sets it: cloud outputs on eks/gke, none on a local target.
 */
export function cloudStateFor(stack: string, config: Record<string, string> = {}): RunOptions["state"] {
    const file = stackConfig(stack);
    // An app stack: its platform stack (its file here or under examples/) decides the cloud it creates its own resources in (ECR repositories, buckets, certificates, records).
    const platform = config.platform ?? file["ticketbuster:platform"];
    if (platform !== undefined && (config.target ?? file["ticketbuster:target"]) === undefined) {
        const platformStack = platform.split("/").pop()!;
        return hasStackFile(platformStack) ? cloudStateFor(platformStack) : undefined;
    }
    switch (config.target ?? file["ticketbuster:target"] ?? "local") {
        case "eks":
            return eksCloudState;
        case "gke": {
            const gke = JSON.parse(config.gke ?? file["ticketbuster:gke"] ?? "{}") as { project?: string };
            return gkeCloudState(gke.project ?? "placeholder-project");
        }
    }
    return undefined;
}

const platformRuns = new Map<string, Promise<unknown>>();

/**
 * What an app stack's StackReference reads, for `runProgram`'s `platforms`: the `platform` output of
 * the platform stack it names (its stack file here or under examples/), evaluated under the same mocks.
 * Empty for a stack that owns its cluster.
 */
export async function platformsFor(stack: string, config: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const reference = config.platform ?? stackConfig(stack)["ticketbuster:platform"];
    if (reference === undefined) return {};
    const platformStack = reference.split("/").pop()!;
    if (!platformRuns.has(platformStack)) {
        platformRuns.set(
            platformStack,
            runProgram({ stack: platformStack, state: cloudStateFor(platformStack) }).then((r) => {
                if (r.error) throw r.error;
                return r.outputs.platform;
            }),
        );
    }
    return { [reference]: await platformRuns.get(platformStack) };
}
