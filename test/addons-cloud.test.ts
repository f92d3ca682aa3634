import { beforeAll, describe, expect, it } from "vitest";
import { ALB_GATEWAY_CONTROLLER } from "../components/addons/aws-load-balancer-controller";
import { CHARTS, GATEWAY_API_CRDS } from "../components/addons/versions";
import { isKubernetes, one, plain, RunOptions, RunResult, runProgram } from "./harness";

/** Just enough of what AWS/GCP compute for the add-ons (test/eks.test.ts and test/gke.test.ts model the rest). */
const ACCOUNT = "123456789012";
const OIDC_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/5C1A0B2D";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_ISSUER}`;
const CLUSTER_NAME = "ticketbuster-eks-cluster-7d1e0f3";
const KUBECONFIG = { apiVersion: "v1", kind: "Config", clusters: [], contexts: [], users: [] };

const awsState: RunOptions["state"] = ({ type, name }) => {
    switch (type) {
        case "awsx:ec2:Vpc":
            return { vpcId: "vpc-0a1b2c", publicSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-c", "subnet-d"] };
        case "eks:index:Cluster":
            return { eksCluster: { name: CLUSTER_NAME }, kubeconfigJson: JSON.stringify(KUBECONFIG), oidcProviderArn: OIDC_ARN, oidcIssuer: OIDC_ISSUER };
        case "aws:iam/role:Role":
            return { name: `${name}-role`, arn: `arn:aws:iam::${ACCOUNT}:role/${name}-role` };
        case "aws:ecr/repository:Repository":
            return { repositoryUrl: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}` };
    }
    return undefined;
};
const gcpState: RunOptions["state"] = ({ type, inputs }) => {
    switch (type) {
        case "gcp:container/cluster:Cluster":
            return { name: "ticketbuster-gke-1", endpoint: "34.118.10.20", masterAuth: { clusterCaCertificate: "LS0t" } };
        case "gcp:serviceaccount/account:Account":
            return { email: `${inputs.accountId}@ticketbuster-demo.iam.gserviceaccount.com` };
    }
    return undefined;
};

const CHART = "kubernetes:helm.sh/v4:Chart";

describe("EKS add-ons by default", () => {
    let run: RunResult;
    beforeAll(async () => {
        run = await runProgram({ stack: "eks", state: awsState, config: { app: "proyecto06" } });
        if (run.error) throw run.error;
    });

    it("installs the EKS metrics-server add-on after the nodes", () => {
        const addon = one(run.resources.filter((r) => r.name === "ticketbuster-metrics-server"), "aws:eks/addon:Addon");
        expect(plain(addon.inputs)).toMatchObject({ addonName: "metrics-server", clusterName: CLUSTER_NAME });
        expect(addon.dependencies).toContain("urn:pulumi:eks::ticketbuster::aws:eks/nodeGroup:NodeGroup::ticketbuster-nodes");
    });

    it("installs the pinned AWS Load Balancer Controller chart with its IRSA role on its ServiceAccount", () => {
        const lbc = plain(one(run.resources, CHART).inputs);
        expect([lbc.chart, lbc.version, lbc.repositoryOpts.repo]).toEqual([
            "aws-load-balancer-controller",
            CHARTS.awsLoadBalancerController.version,
            "https://aws.github.io/eks-charts",
        ]);
        expect(lbc.namespace).toBe("kube-system");
        expect(lbc.values).toMatchObject({ clusterName: CLUSTER_NAME, region: "us-east-1", vpcId: "vpc-0a1b2c", ingressClass: "alb" });
        expect(lbc.values.serviceAccount).toEqual({
            create: true,
            name: "aws-load-balancer-controller",
            annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/ticketbuster-lb-controller-role` },
        });
        expect(lbc.values.controllerConfig.featureGates.ALBGatewayAPI).toBe(true);
    });

    it("lets only the controller's ServiceAccount assume its role, which holds the documented policy", () => {
        const role = plain(one(run.resources.filter((r) => r.name === "ticketbuster-lb-controller"), "aws:iam/role:Role").inputs);
        const trust = JSON.parse(role.assumeRolePolicy).Statement[0];
        expect(trust.Principal).toEqual({ Federated: OIDC_ARN });
        expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
        expect(trust.Condition.StringEquals).toEqual({
            [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller",
            [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
        });
        const policy = JSON.parse(plain(one(run.resources.filter((r) => r.name === "ticketbuster-lb-controller"), "aws:iam/rolePolicy:RolePolicy").inputs).policy);
        const actions = policy.Statement.flatMap((s: { Action: string[] }) => s.Action);
        for (const a of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:RegisterTargets", "ec2:AuthorizeSecurityGroupIngress", "wafv2:AssociateWebACL"]) {
            expect(actions).toContain(a);
        }
    });

    it("makes the GatewayClass alb for the controller, and the routes wait for both", () => {
        const gc = plain(one(run.resources, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass").inputs);
        expect(gc).toMatchObject({ metadata: { name: "alb" }, spec: { controllerName: ALB_GATEWAY_CONTROLLER } });
        const crds = one(run.resources, "kubernetes:yaml/v2:ConfigFile");
        expect(crds.inputs.file).toBe(GATEWAY_API_CRDS.url);
        expect(crds.inputs.file).toContain(`/download/${GATEWAY_API_CRDS.version}/standard-install.yaml`);
        const routes = one(run.resources, "ticketbuster:net:Routes");
        const parent = "ticketbuster:addons:AwsLoadBalancerController";
        expect(routes.dependencies).toEqual(
            expect.arrayContaining([
                `urn:pulumi:eks::ticketbuster::${parent}$kubernetes:helm.sh/v4:Chart::aws-load-balancer-controller`,
                `urn:pulumi:eks::ticketbuster::${parent}$kubernetes:yaml/v2:ConfigFile::aws-load-balancer-controller-gateway-api-crds`,
                `urn:pulumi:eks::ticketbuster::${parent}$kubernetes:gateway.networking.k8s.io/v1:GatewayClass::aws-load-balancer-controller-alb`,
            ]),
        );
    });

    it("with gateway and metrics-server off, installs neither", async () => {
        const off = await runProgram({ stack: "eks", state: awsState, config: { addons: JSON.stringify({ gateway: false, metricsServer: false }) } });
        if (off.error) throw off.error;
        expect(off.resources.filter((r) => r.type === CHART || r.name.includes("lb-controller") || r.name.includes("metrics-server"))).toEqual([]);
    });
});

describe("GKE add-ons by default", () => {
    let run: RunResult;
    beforeAll(async () => {
        run = await runProgram({ stack: "gke", state: gcpState });
        if (run.error) throw run.error;
    });

    it("turns on GKE's Gateway controller (standard channel) and installs no chart (metrics-server is built in)", () => {
        expect(plain(one(run.resources, "gcp:container/cluster:Cluster").inputs).gatewayApiConfig).toEqual({ channel: "CHANNEL_STANDARD" });
        expect(run.resources.filter((r) => r.type === CHART)).toEqual([]);
        expect(run.resources.filter(isKubernetes).filter((r) => r.type.includes("monitoring.coreos.com"))).toEqual([]);
    });

    it("turns the Gateway API off on the cluster when the gateway add-on is off", async () => {
        const off = await runProgram({ stack: "gke", state: gcpState, config: { addons: JSON.stringify({ gateway: false }) } });
        if (off.error) throw off.error;
        expect(plain(one(off.resources, "gcp:container/cluster:Cluster").inputs).gatewayApiConfig).toEqual({ channel: "CHANNEL_DISABLED" });
    });
});
