import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { ticketbuster } from "../apps/ticketbuster";
import { isKubernetes, one, plain, Registered, RunResult, runProgram, stackConfig } from "./harness";
import { expectConfigRejected } from "./config-errors";
import { GKE, gkeCloudState } from "./cloud-mocks";

/** The committed stack file: expectations below follow it rather than repeating it. */
const STACK_FILE = stackConfig("gke");
const GKE_FILE = JSON.parse(STACK_FILE["ticketbuster:gke"]) as Record<string, unknown>;
const PROJECT_ID = GKE_FILE.project as string;
const IMAGE_TAG = STACK_FILE["ticketbuster:imageTag"];

const CLUSTER_NAME = GKE.clusterName;
const ENDPOINT = GKE.endpoint;
const CA_DATA = GKE.caData;
const cloudState = gkeCloudState(PROJECT_ID);

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const SUBNET = "gcp:compute/subnetwork:Subnetwork";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

/** Runs the real program on the gke stack; `gke` replaces keys of the stack file's gke object. */
async function runGke(gke: Record<string, unknown> = {}, config: Record<string, string | undefined> = {}): Promise<RunResult> {
    return runProgram({ stack: "gke", state: cloudState, config: { gke: JSON.stringify({ ...GKE_FILE, ...gke }), ...config } });
}

const urnOf = (type: string, name: string) => `urn:pulumi:gke::ticketbuster::${type}::${name}`;
const urnOfResource = (r: Registered) => urnOf(r.type, r.name);
const providerUrn = (r: Registered) => r.provider?.slice(0, r.provider.lastIndexOf("::"));
const byType = (run: RunResult, type: string) => run.resources.filter((r) => r.type === type);
const inputsOf = (run: RunResult, type: string) => plain(one(run.resources, type).inputs);
const podSpec = (r: Registered) => plain(r.inputs).spec.template.spec;
const STATELESS = ticketbuster.tiers.flatMap((t) => (t.kind === "stateless" ? [t] : []));

let run: RunResult;
/** Every knob turned away from its default. */
let custom: RunResult;
const CUSTOM = {
    location: "europe-west1",
    machineType: "n2-standard-4",
    nodeCount: 1,
    minNodes: 1,
    maxNodes: 3,
    releaseChannel: "STABLE",
    privateNodes: true,
    masterAuthorizedNetworks: ["203.0.113.0/24"],
    deletionProtection: true,
    repository: "tb-images",
};

beforeAll(async () => {
    run = await runGke();
    if (run.error) throw run.error;
    custom = await runGke(CUSTOM);
    if (custom.error) throw custom.error;
});

describe("gke stack: network", () => {
    it("builds a dedicated VPC without auto subnets and one subnetwork with pods and services secondary ranges", () => {
        const network = one(run.resources, "gcp:compute/network:Network");
        expect(plain(network.inputs).autoCreateSubnetworks).toBe(false);
        const subnet = inputsOf(run, SUBNET);
        expect(subnet.network).toBe(`${network.name}-id`);
        expect(subnet.region).toBe("us-central1");
        expect(subnet.ipCidrRange).toBe("10.0.0.0/20");
        expect(subnet.secondaryIpRanges).toEqual([
            { rangeName: "pods", ipCidrRange: "10.4.0.0/14" },
            { rangeName: "services", ipCidrRange: "10.8.0.0/20" },
        ]);
        expect(subnet.privateIpGoogleAccess).toBe(true);
        expect(byType(run, SUBNET)).toHaveLength(1);
    });

    it("makes the cluster VPC-native on that subnetwork's secondary ranges", () => {
        const cluster = inputsOf(run, CLUSTER);
        const subnet = one(run.resources, SUBNET);
        expect(cluster.network).toBe(`${one(run.resources, "gcp:compute/network:Network").name}-id`);
        expect(cluster.subnetwork).toBe(`${subnet.name}-id`);
        expect(cluster.networkingMode).toBe("VPC_NATIVE");
        const [pods, services] = plain(subnet.inputs).secondaryIpRanges.map((r: { rangeName: string }) => r.rangeName);
        expect(cluster.ipAllocationPolicy).toEqual({ clusterSecondaryRangeName: pods, servicesSecondaryRangeName: services });
    });

    it("has public nodes and no NAT by default; private nodes get a /28 control plane range and a Cloud NAT", () => {
        expect(inputsOf(run, CLUSTER).privateClusterConfig).toBeUndefined();
        expect(byType(run, "gcp:compute/routerNat:RouterNat")).toHaveLength(0);

        expect(inputsOf(custom, CLUSTER).privateClusterConfig).toEqual({
            enablePrivateNodes: true,
            enablePrivateEndpoint: false,
            masterIpv4CidrBlock: "172.16.0.0/28",
        });
        const router = one(custom.resources, "gcp:compute/router:Router");
        expect(plain(router.inputs).network).toBe(`${one(custom.resources, "gcp:compute/network:Network").name}-id`);
        const nat = inputsOf(custom, "gcp:compute/routerNat:RouterNat");
        expect(nat.router).toBe(`${router.name}-a1b2c3d`);
        expect(nat.region).toBe("europe-west1");
        expect(nat.sourceSubnetworkIpRangesToNat).toBe("ALL_SUBNETWORKS_ALL_IP_RANGES");
    });
});

describe("gke stack: cluster", () => {
    it("is zonal in us-central1-a with the default node pool removed", () => {
        const cluster = inputsOf(run, CLUSTER);
        expect(cluster.location).toBe("us-central1-a");
        expect(cluster.removeDefaultNodePool).toBe(true);
        expect(cluster.initialNodeCount).toBe(1);
        expect(byType(run, CLUSTER)).toHaveLength(1);
    });

    it("follows the REGULAR release channel, with Workload Identity and Shielded Nodes", () => {
        const cluster = inputsOf(run, CLUSTER);
        expect(cluster.releaseChannel).toEqual({ channel: "REGULAR" });
        expect(cluster.workloadIdentityConfig).toEqual({ workloadPool: `${PROJECT_ID}.svc.id.goog` });
        expect(cluster.enableShieldedNodes).toBe(true);
    });

    it("enforces NetworkPolicy with Dataplane V2, not the Calico add-on", () => {
        const cluster = inputsOf(run, CLUSTER);
        expect(cluster.datapathProvider).toBe("ADVANCED_DATAPATH");
        expect(cluster.networkPolicy?.enabled ?? false).toBe(false);
        // The app does declare NetworkPolicies for Dataplane V2 to enforce.
        expect(byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").length).toBeGreaterThan(0);
    });

    it("takes deletionProtection from config: false in Pulumi.gke.yaml, true when set", () => {
        expect(GKE_FILE.deletionProtection).toBe(false);
        expect(inputsOf(run, CLUSTER).deletionProtection).toBe(false);
        expect(inputsOf(custom, CLUSTER).deletionProtection).toBe(true);
    });

    it("opens the control plane to anyone authenticated by default, to masterAuthorizedNetworks when set", () => {
        expect(inputsOf(run, CLUSTER).masterAuthorizedNetworksConfig).toBeUndefined();
        expect(inputsOf(custom, CLUSTER).masterAuthorizedNetworksConfig.cidrBlocks.map((b: { cidrBlock: string }) => b.cidrBlock)).toEqual([
            "203.0.113.0/24",
        ]);
    });

    it("follows location and release channel from config (a region makes it regional)", () => {
        const cluster = inputsOf(custom, CLUSTER);
        expect(cluster.location).toBe("europe-west1");
        expect(cluster.releaseChannel).toEqual({ channel: "STABLE" });
        expect(inputsOf(custom, SUBNET).region).toBe("europe-west1");
        expect(inputsOf(custom, NODE_POOL).location).toBe("europe-west1");
    });
});

describe("gke stack: node pool", () => {
    it("runs 3 e2-standard-2 nodes on the cluster, autoscaled between 2 and 5", () => {
        expect(byType(run, NODE_POOL)).toHaveLength(1);
        const pool = inputsOf(run, NODE_POOL);
        expect(pool.cluster).toBe(`${one(run.resources, CLUSTER).name}-id`);
        expect(pool.location).toBe("us-central1-a");
        expect(pool.nodeConfig.machineType).toBe("e2-standard-2");
        expect(pool.initialNodeCount).toBe(3);
        expect(pool.autoscaling).toEqual({ minNodeCount: 2, maxNodeCount: 5 });
        // Not also a fixed nodeCount, which would fight the autoscaler.
        expect(pool.nodeCount).toBeUndefined();
    });

    it("follows machineType, nodeCount, minNodes and maxNodes from config", () => {
        const pool = inputsOf(custom, NODE_POOL);
        expect(pool.nodeConfig.machineType).toBe("n2-standard-4");
        expect(pool.initialNodeCount).toBe(1);
        expect(pool.autoscaling).toEqual({ minNodeCount: 1, maxNodeCount: 3 });
    });

    it("auto-repairs and auto-upgrades Shielded nodes that expose only the GKE metadata server", () => {
        const pool = inputsOf(run, NODE_POOL);
        expect(pool.management).toEqual({ autoRepair: true, autoUpgrade: true });
        expect(pool.nodeConfig.shieldedInstanceConfig).toEqual({ enableSecureBoot: true, enableIntegrityMonitoring: true });
        expect(pool.nodeConfig.workloadMetadataConfig).toEqual({ mode: "GKE_METADATA" });
        expect(pool.nodeConfig.oauthScopes).toEqual(["https://www.googleapis.com/auth/cloud-platform"]);
    });

    it("runs as a dedicated service account holding only the node roles, not the Compute Engine default", () => {
        // The other account is the backups bucket's (stacks/gke/workload-bucket.ts).
        const account = one(run.resources.filter((r) => r.name !== "ticketbuster-backups"), "gcp:serviceaccount/account:Account");
        const email = `${plain(account.inputs).accountId}@${PROJECT_ID}.iam.gserviceaccount.com`;
        const pool = one(run.resources, NODE_POOL);
        expect(plain(pool.inputs).nodeConfig.serviceAccount).toBe(email);
        expect(plain(pool.inputs).nodeConfig.serviceAccount).not.toMatch(/-compute@developer\.gserviceaccount\.com$/);

        const members = byType(run, "gcp:projects/iAMMember:IAMMember");
        expect(members.map((m) => plain(m.inputs).role).sort()).toEqual(
            [
                "roles/artifactregistry.reader",
                "roles/logging.logWriter",
                "roles/monitoring.metricWriter",
                "roles/monitoring.viewer",
                "roles/stackdriver.resourceMetadata.writer",
            ].sort(),
        );
        for (const m of members) {
            expect(plain(m.inputs).project, m.name).toBe(PROJECT_ID);
            expect(plain(m.inputs).member, m.name).toBe(`serviceAccount:${email}`);
            // The nodes come up only once they may write logs and pull images.
            expect(pool.dependencies, m.name).toContain(urnOfResource(m));
        }
    });
});

describe("gke stack: registry and images", () => {
    it("creates one Docker repository in the cluster's region, with immutable tags", () => {
        expect(byType(run, "gcp:artifactregistry/repository:Repository")).toHaveLength(1);
        const repo = inputsOf(run, "gcp:artifactregistry/repository:Repository");
        expect(repo.format).toBe("DOCKER");
        expect(repo.repositoryId).toBe(GKE_FILE.repository);
        expect(repo.location).toBe("us-central1");
        expect(repo.dockerConfig).toEqual({ immutableTags: true });
        expect(run.outputs.registryUrl).toBe(`us-central1-docker.pkg.dev/${PROJECT_ID}/${GKE_FILE.repository}`);
    });

    it("pulls every app image from <region>-docker.pkg.dev/<project>/<repository>/<tier>:<tag>", () => {
        for (const [r, region, repo] of [
            [run, "us-central1", GKE_FILE.repository],
            [custom, "europe-west1", CUSTOM.repository],
        ] as const) {
            for (const tier of STATELESS) {
                const image = podSpec(one(r.resources, DEPLOYMENT, tier.name)).containers[0].image;
                expect(image, tier.name).toBe(`${region}-docker.pkg.dev/${PROJECT_ID}/${repo}/${tier.image}:${IMAGE_TAG}`);
            }
        }
        // The data stores stay on their pinned upstream images.
        for (const tier of ticketbuster.tiers.filter((t) => t.kind !== "stateless")) {
            const set = one(run.resources, "kubernetes:apps/v1:StatefulSet", tier.name);
            expect(podSpec(set).containers[0].image).toBe(tier.image);
        }
    });
});

describe("gke stack: Kubernetes objects", () => {
    it("puts both database claims on standard-rwo (pd-balanced)", () => {
        const claims = byType(run, PVC).map((r) => plain(r.inputs));
        expect(claims.map((c) => [c.metadata.name, c.spec.storageClassName])).toEqual([
            ["postgres-pvc", "standard-rwo"],
            ["rabbitmq-pvc", "standard-rwo"],
        ]);
    });

    it("exposes the frontend through a LoadBalancer Service", () => {
        const frontend = plain(one(run.resources, "kubernetes:core/v1:Service", "frontend").inputs);
        expect(frontend.spec.type).toBe("LoadBalancer");
    });

    it("creates every Kubernetes object through the GKE provider, which waits for the node pool", () => {
        const provider = one(run.resources, "pulumi:providers:kubernetes");
        expect(provider.name).toBe("gke");
        expect(provider.dependencies).toContain(urnOfResource(one(run.resources, NODE_POOL)));
        const objects = run.resources.filter(isKubernetes);
        expect(objects.length).toBeGreaterThan(20);
        for (const r of objects) expect(providerUrn(r), `${r.type} ${r.name}`).toBe(urnOf("pulumi:providers:kubernetes", "gke"));
    });

});

describe("gke stack: kubeconfig and outputs", () => {
    it("outputs the kubeconfig as a secret, for the gke-gcloud-auth-plugin exec plugin", async () => {
        expect(pulumi.Output.isInstance(run.raw.kubeconfig)).toBe(true);
        expect(await pulumi.isSecret(run.raw.kubeconfig as pulumi.Output<string>)).toBe(true);

        const kubeconfig = JSON.parse(run.outputs.kubeconfig as string);
        const user = kubeconfig.users[0].user;
        expect(user.exec.command).toBe("gke-gcloud-auth-plugin");
        expect(user.exec.apiVersion).toBe("client.authentication.k8s.io/v1beta1");
        expect(user.exec.provideClusterInfo).toBe(true);
        expect(user.exec.installHint).toContain("gke-gcloud-auth-plugin");
        expect(user["auth-provider"]).toBeUndefined();
        expect(JSON.stringify(kubeconfig)).not.toContain("auth-provider");

        expect(kubeconfig.clusters[0].cluster).toEqual({ server: `https://${ENDPOINT}`, "certificate-authority-data": CA_DATA });
        const context = `gke_${PROJECT_ID}_us-central1-a_${CLUSTER_NAME}`;
        expect(kubeconfig["current-context"]).toBe(context);
        expect(kubeconfig.contexts).toEqual([{ name: context, context: { cluster: context, user: context } }]);
    });

    it("hands the same kubeconfig to the Kubernetes provider", () => {
        const provider = one(run.resources, "pulumi:providers:kubernetes");
        expect(JSON.parse(plain(provider.inputs).kubeconfig)).toEqual(JSON.parse(run.outputs.kubeconfig as string));
    });

    it("outputs the cluster name and endpoint in clear, next to the frontend URL", async () => {
        expect(run.outputs.clusterName).toBe(CLUSTER_NAME);
        expect(run.outputs.clusterEndpoint).toBe(ENDPOINT);
        expect(await pulumi.isSecret(run.raw.clusterName as pulumi.Output<string>)).toBe(false);
        expect(run.outputs.target).toBe("gke");
        expect(run.outputs).toHaveProperty("frontendUrl");
    });
});

describe("gke stack: GCP provider and labels", () => {
    it("creates every GCP resource through one provider with the project, the region and the labels", () => {
        const gcp = one(run.resources, "pulumi:providers:gcp");
        const inputs = plain(gcp.inputs);
        expect(inputs.project).toBe(PROJECT_ID);
        expect(inputs.region).toBe("us-central1");
        const labels = typeof inputs.defaultLabels === "string" ? JSON.parse(inputs.defaultLabels) : inputs.defaultLabels;
        expect(labels).toEqual({ project: "ticketbuster", stack: "gke" });

        const gcpResources = run.resources.filter((r) => r.type.startsWith("gcp:"));
        expect(gcpResources.length).toBeGreaterThanOrEqual(10);
        for (const r of gcpResources) expect(providerUrn(r), `${r.type} ${r.name}`).toBe(urnOf("pulumi:providers:gcp", gcp.name));
    });

    it("labels the cluster and the node VMs too (provider default labels do not reach the VMs)", () => {
        expect(inputsOf(run, CLUSTER).resourceLabels).toEqual({ project: "ticketbuster", stack: "gke" });
        expect(inputsOf(run, NODE_POOL).nodeConfig.resourceLabels).toEqual({ project: "ticketbuster", stack: "gke" });
    });

    it("imports @pulumi/gcp from stacks/gke/ only, by service (its root loads every service)", () => {
        const root = path.join(__dirname, "..");
        const sources = ["index.ts", "program.ts", ...["apps", "components", "config", "stacks", "scripts"].flatMap((d) => tsFiles(root, d))];
        const text = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
        const importers = sources.filter((f) => /["']@pulumi\/gcp(\/[\w/]+)?["']/.test(text(f)));
        expect(importers.length).toBeGreaterThan(0);
        expect(importers.filter((f) => !f.startsWith(path.join("stacks", "gke") + path.sep))).toEqual([]);
        expect(importers.filter((f) => /["']@pulumi\/gcp["']/.test(text(f)))).toEqual([]);
    });
});

/** .ts files under root/dir, as paths relative to root. */
function tsFiles(root: string, dir: string): string[] {
    if (!fs.existsSync(path.join(root, dir))) return [];
    return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return tsFiles(root, rel);
        return e.name.endsWith(".ts") ? [rel] : [];
    });
}

interface BadCase {
    what: string;
    /** Keys replaced in the stack file's gke object; undefined removes a key. */
    gke: Record<string, unknown>;
    /** Every fragment must appear in the error message. */
    expect: string[];
}

const badConfigs: BadCase[] = [
    {
        what: "a missing project",
        gke: { project: undefined },
        expect: ["ticketbuster:gke.project: got nothing", "allowed: a GCP project id (required)"],
    },
    {
        what: "a malformed project id",
        gke: { project: "My_Project" },
        expect: ['ticketbuster:gke.project: got "My_Project"', "allowed: a GCP project id"],
    },
    {
        what: "a machine type in an unknown format",
        gke: { machineType: "t3.medium" },
        expect: ['ticketbuster:gke.machineType: got "t3.medium"', "allowed: a Compute Engine machine type such as e2-standard-2"],
    },
    {
        what: "minNodes above maxNodes",
        gke: { minNodes: 6, maxNodes: 4 },
        expect: ["ticketbuster:gke.minNodes: got 6", "allowed: at most maxNodes (4)"],
    },
    {
        what: "nodeCount outside [minNodes, maxNodes]",
        gke: { nodeCount: 9 },
        expect: ["ticketbuster:gke.nodeCount: got 9", "allowed: 2..5"],
    },
    {
        what: "a pods range overlapping the subnet",
        gke: { podsCidr: "10.0.0.0/14" },
        expect: ['ticketbuster:gke.podsCidr: got "10.0.0.0/14"', "allowed: a block that does not overlap subnetCidr 10.0.0.0/20"],
    },
    {
        what: "a malformed services range",
        gke: { servicesCidr: "10.8.0.0/33" },
        expect: ['ticketbuster:gke.servicesCidr: got "10.8.0.0/33"', "allowed: an IPv4 CIDR"],
    },
    {
        what: "a location that is neither a zone nor a region",
        gke: { location: "us-central" },
        expect: ['ticketbuster:gke.location: got "us-central"', "allowed: a zone such as us-central1-a"],
    },
    {
        what: "a region that does not contain the location",
        gke: { region: "us-east1" },
        expect: ['ticketbuster:gke.region: got "us-east1"', "allowed: us-central1, the region of location us-central1-a"],
    },
    {
        what: "an unknown release channel",
        gke: { releaseChannel: "BETA" },
        expect: ['ticketbuster:gke.releaseChannel: got "BETA"', "allowed: REGULAR, RAPID, STABLE"],
    },
    {
        what: "a control plane range without private nodes",
        gke: { masterIpv4CidrBlock: "172.16.0.0/28" },
        expect: ['ticketbuster:gke.masterIpv4CidrBlock: got "172.16.0.0/28"', "allowed: only with privateNodes true"],
    },
    {
        what: "deletionProtection that is not a boolean",
        gke: { deletionProtection: "yes" },
        expect: ['ticketbuster:gke.deletionProtection: got "yes"', "allowed: true, false"],
    },
    {
        what: "a misspelt key",
        gke: { machinetype: "e2-standard-4" },
        expect: ["ticketbuster:gke.machinetype: unknown key; allowed: project, location, region, machineType"],
    },
];

describe("gke stack: bad config", () => {
    it.each(badConfigs)("rejects $what before registering any resource", async (c) => {
        const result = await runGke(c.gke);
        expectConfigRejected(result, c.expect);
    });

    it("rejects a stack without any gke object (no project) before registering any resource", async () => {
        const result = await runProgram({ stack: "gke", state: cloudState, config: { gke: undefined } });
        expectConfigRejected(result, ["ticketbuster:gke.project: got nothing"]);
    });
});
