// Preloaded (`node --require`) into @pulumi/pulumi's own `cmd/run` by scripts/bench/startup.ts: answers
// registrations with Pulumi mocks instead of an engine, and on exit prints one JSON line with the
// resource count, the time of the last registration (ms since process start) and the peak RSS.
// Plain JavaScript on purpose: the loader being measured is the runtime's, not one of ours.
"use strict";
const { performance } = require("perf_hooks");
const pulumi = require("@pulumi/pulumi");

// What the clouds would compute for the few outputs the eks/gke platforms read back (as in the tests).
const KUBECONFIG = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "k", cluster: { server: "https://example.eks.amazonaws.com", "certificate-authority-data": "LS0t" } }],
    contexts: [{ name: "aws", context: { cluster: "k", user: "aws" } }],
    "current-context": "aws",
    users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token"] } } }],
};
function cloudState({ type, name, inputs }) {
    switch (type) {
        case "awsx:ec2:Vpc":
            return { vpcId: "vpc-1", publicSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-c", "subnet-d"] };
        case "eks:index:Cluster":
            return { eksCluster: { name: "bench" }, kubeconfigJson: JSON.stringify(KUBECONFIG), oidcProviderArn: "arn:aws:iam::1:oidc-provider/x", oidcIssuer: "oidc.example/x" };
        case "aws:iam/role:Role":
            return { name: `${name}-role`, arn: `arn:aws:iam::1:role/${name}` };
        case "aws:kms/key:Key":
            return { arn: `arn:aws:kms:us-east-1:1:key/${name}` };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1 };
        case "aws:ecr/repository:Repository":
            return { repositoryUrl: `1.dkr.ecr.us-east-1.amazonaws.com/${inputs.name}` };
        case "gcp:container/cluster:Cluster":
            return { name: "bench", endpoint: "10.0.0.1", masterAuth: { clusterCaCertificate: "LS0t" } };
        case "gcp:serviceaccount/account:Account":
            return { email: `${inputs.accountId}@bench.iam.gserviceaccount.com` };
        case "gcp:compute/router:Router":
            return { name: `${name}-r` };
    }
    return {};
}

let resources = 0;
let lastRegistrationMs = 0;
pulumi.runtime.setMocks(
    {
        newResource(args) {
            resources++;
            lastRegistrationMs = performance.now();
            return { id: `${args.name}-id`, state: { ...args.inputs, ...cloudState(args) } };
        },
        call() {
            return {};
        },
    },
    process.env.PULUMI_NODEJS_PROJECT || "ticketbuster",
    process.env.BENCH_STACK || "dev",
    false,
);
// The mock monitor has no shutdown handshake; the runtime calls it when the program is done.
pulumi.runtime.getMonitor().signalAndWaitForShutdown = (_req, cb) => cb(null, {});

process.on("exit", (code) => {
    const maxRssKb = process.resourceUsage().maxRSS;
    process.stdout.write(`${JSON.stringify({ code, resources, lastRegistrationMs, maxRssMb: maxRssKb / 1024 })}\n`);
});
