import { describe, expect, it } from "vitest";
import { policies } from "../policy/policies";
import { protectedDataVolumes } from "../policy/policies/data-volumes";
import { eksNodes } from "../policy/policies/eks";
import { gkeWorkloadIdentityShieldedNodes } from "../policy/policies/gke";
import { noHostAccess } from "../policy/policies/host-access";
import { pinnedImages } from "../policy/policies/images";
import { containerResources } from "../policy/policies/resources";
import { noPlaintextSecretData } from "../policy/policies/secrets";
import { PLAIN_HTTP_CHOSEN, routesTls } from "../policy/policies/routes-tls";
import { restrictedSecurityContext } from "../policy/policies/security-context";
import { PLAIN_HTTP_ANNOTATION } from "../components/host-tls";
import { noServiceAccountToken, TOKEN_DECLARATION } from "../policy/policies/service-account-token";
import { ResourceUnderTest, violations } from "./policy-args";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** A container as the program writes it: every promise kept. */
function container(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        name: "web",
        image: "registry.example:5000/web:1.4.2",
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        ...over,
    };
}

function podSpec(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [container()],
        ...over,
    };
}

const deployment = (spec: Record<string, unknown> = podSpec(), annotations?: Record<string, string>): ResourceUnderTest => ({
    type: DEPLOYMENT,
    props: { metadata: { name: "web" }, spec: { template: { metadata: { annotations }, spec } } },
});

describe("policy pack", () => {
    it("holds every policy at most once, each with a description", () => {
        expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
        expect(policies).toHaveLength(10);
        for (const p of policies) expect(p.description.length, p.name).toBeGreaterThan(20);
    });
});

describe("pinned-images", () => {
    it("passes version tags (also behind a registry port) and digests", async () => {
        expect(await violations(pinnedImages, deployment())).toEqual([]);
        const digest = podSpec({ containers: [container({ image: "postgres@sha256:" + "a".repeat(64) })] });
        expect(await violations(pinnedImages, deployment(digest))).toEqual([]);
    });

    it.each(["nginx", "nginx:latest", "registry.example:5000/web", "ghcr.io/org/web:latest"])("rejects %s", async (image) => {
        const found = await violations(pinnedImages, deployment(podSpec({ containers: [container({ image })] })));
        expect(found).toHaveLength(1);
        expect(found[0]).toContain(`image "${image}" is not pinned`);
    });

    it("checks init containers and the pods of CronJobs", async () => {
        const cron: ResourceUnderTest = {
            type: "kubernetes:batch/v1:CronJob",
            props: { spec: { jobTemplate: { spec: { template: { spec: podSpec({ initContainers: [container({ image: "busybox" })] }) } } } } },
        };
        expect(await violations(pinnedImages, cron)).toHaveLength(1);
    });
});

describe("container-resources", () => {
    it("passes requests for CPU and memory plus a memory limit, without a CPU limit", async () => {
        expect(await violations(containerResources, deployment())).toEqual([]);
    });

    it("names every missing request and the missing memory limit", async () => {
        const spec = podSpec({ containers: [container({ resources: { requests: { cpu: "1" }, limits: { cpu: "1" } } })] });
        expect(await violations(containerResources, deployment(spec))).toEqual(["Deployment web, container web: no requests.memory, limits.memory."]);
    });
});

describe("restricted-security-context", () => {
    it("passes the program's pod and container settings", async () => {
        expect(await violations(restrictedSecurityContext, deployment())).toEqual([]);
    });

    it("accepts runAsNonRoot and seccomp on the container instead of the pod", async () => {
        const c = container({
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        });
        expect(await violations(restrictedSecurityContext, deployment(podSpec({ securityContext: {}, containers: [c] })))).toEqual([]);
    });

    it("reports each broken promise", async () => {
        const c = container({ securityContext: { capabilities: { drop: ["NET_RAW"], add: ["NET_ADMIN"] } } });
        const found = await violations(restrictedSecurityContext, deployment(podSpec({ securityContext: { seccompProfile: { type: "Unconfined" } }, containers: [c] })));
        expect(found.map((m) => m.split(": ")[1])).toEqual([
            "runAsNonRoot is not true.",
            "seccompProfile is Unconfined, not RuntimeDefault.",
            "allowPrivilegeEscalation is not false.",
            "capabilities do not drop ALL.",
            "adds capabilities NET_ADMIN.",
            "the root filesystem is not read-only.",
        ]);
    });
});

describe("no-host-access", () => {
    it("passes pods with emptyDir volumes only", async () => {
        expect(await violations(noHostAccess, deployment(podSpec({ volumes: [{ name: "tmp", emptyDir: {} }] })))).toEqual([]);
    });

    it("rejects hostPath, host namespaces and privileged containers", async () => {
        const spec = podSpec({
            hostNetwork: true,
            hostPID: true,
            volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }],
            containers: [container({ securityContext: { privileged: true } })],
        });
        const found = await violations(noHostAccess, deployment(spec));
        expect(found).toEqual([
            "Deployment web: volume docker is a hostPath.",
            "Deployment web: hostNetwork is true.",
            "Deployment web: hostPID is true.",
            "Deployment web, container web: privileged.",
        ]);
    });

    it("checks bare Pods too", async () => {
        const pod: ResourceUnderTest = { type: "kubernetes:core/v1:Pod", props: { metadata: { name: "p" }, spec: podSpec({ hostIPC: true }) } };
        expect(await violations(noHostAccess, pod)).toEqual(["Pod p: hostIPC is true."]);
    });
});

describe("no-service-account-token", () => {
    const account = (props: Record<string, unknown>): ResourceUnderTest => ({ type: "kubernetes:core/v1:ServiceAccount", props: { metadata: { name: "sa" }, ...props } });

    it("passes ServiceAccounts and pods that turn the token off", async () => {
        expect(await violations(noServiceAccountToken, account({ automountServiceAccountToken: false }))).toEqual([]);
        expect(await violations(noServiceAccountToken, deployment())).toEqual([]);
    });

    it("rejects a mounted token unless an annotation declares why", async () => {
        expect(await violations(noServiceAccountToken, account({}))).toHaveLength(1);
        expect(await violations(noServiceAccountToken, deployment(podSpec({ automountServiceAccountToken: true })))).toHaveLength(1);
        const declared = account({ metadata: { name: "sa", annotations: { [TOKEN_DECLARATION]: "reads ConfigMaps through the API" } } });
        expect(await violations(noServiceAccountToken, declared)).toEqual([]);
        const pod = deployment(podSpec({ automountServiceAccountToken: undefined }), { [TOKEN_DECLARATION]: "leader election" });
        expect(await violations(noServiceAccountToken, pod)).toEqual([]);
        const blank = deployment(podSpec({ automountServiceAccountToken: undefined }), { [TOKEN_DECLARATION]: " " });
        expect(await violations(noServiceAccountToken, blank)).toHaveLength(1);
    });
});

describe("no-plaintext-secret-data", () => {
    const secret = { metadata: { name: "db" }, stringData: { password: "x" } };

    it("passes a Secret whose data the SDK marks as secret outputs", async () => {
        const r = { type: "kubernetes:core/v1:Secret", props: secret, opts: { additionalSecretOutputs: ["data", "stringData"] } };
        expect(await violations(noPlaintextSecretData, r)).toEqual([]);
    });

    it("rejects stringData that would sit in the state in plain text, also in a CustomResource of kind Secret", async () => {
        expect(await violations(noPlaintextSecretData, { type: "kubernetes:core/v1:Secret", props: secret })).toHaveLength(1);
        const custom = { type: "kubernetes:v1:Secret", props: { apiVersion: "v1", kind: "Secret", ...secret, data: { token: "eA==" } } };
        const found = await violations(noPlaintextSecretData, custom);
        expect(found.map((m) => m.split(":")[1].trim().split(" ")[0])).toEqual(["stringData", "data"]);
    });

    it("ignores ConfigMaps", async () => {
        expect(await violations(noPlaintextSecretData, { type: "kubernetes:core/v1:ConfigMap", props: { data: { a: "b" } } })).toEqual([]);
    });
});

describe("protected-data-volumes", () => {
    const pvc = (labels: Record<string, string>, protect: boolean, protectData: boolean): ResourceUnderTest => ({
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        props: { metadata: { name: "postgres-pvc", labels } },
        opts: { protect },
        config: { protectData },
    });
    const datastore = { "app.kubernetes.io/component": "datastore" };

    it("requires protect on data-store claims when protectData is on", async () => {
        expect(await violations(protectedDataVolumes, pvc(datastore, true, true))).toEqual([]);
        expect(await violations(protectedDataVolumes, pvc(datastore, false, true))).toEqual([
            "PersistentVolumeClaim postgres-pvc holds a data store and protectData is on, but the resource is not protected.",
        ]);
    });

    it("leaves claims alone when protectData is off, and other claims always", async () => {
        expect(await violations(protectedDataVolumes, pvc(datastore, false, false))).toEqual([]);
        expect(await violations(protectedDataVolumes, pvc({ "app.kubernetes.io/component": "cache" }, false, true))).toEqual([]);
    });
});

describe("eks-nodes-imdsv2-encrypted", () => {
    const template = (metadataOptions: Record<string, unknown>, ebs: Record<string, unknown>): ResourceUnderTest => ({
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "nodes",
        props: { metadataOptions, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs }] },
    });

    it("passes the program's launch template and a node group that uses one", async () => {
        expect(await violations(eksNodes, template({ httpTokens: "required", httpPutResponseHopLimit: 1 }, { encrypted: "true" }))).toEqual([]);
        expect(await violations(eksNodes, { type: "aws:eks/nodeGroup:NodeGroup", props: { launchTemplate: { id: "lt-1", version: "4" } } })).toEqual([]);
    });

    it("rejects IMDSv1, a hop limit above 1, unencrypted volumes and a node group without template", async () => {
        const found = await violations(eksNodes, template({ httpTokens: "optional", httpPutResponseHopLimit: 2 }, { encrypted: "false" }));
        expect(found).toHaveLength(3);
        expect(await violations(eksNodes, { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: {} })).toHaveLength(1);
        expect(await violations(eksNodes, { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { metadataOptions: { httpTokens: "required" } } })).toHaveLength(1);
    });
});

describe("gke-workload-identity-shielded-nodes", () => {
    const cluster = (props: Record<string, unknown>): ResourceUnderTest => ({ type: "gcp:container/cluster:Cluster", name: "c", props });
    const pool = (nodeConfig: Record<string, unknown>): ResourceUnderTest => ({ type: "gcp:container/nodePool:NodePool", name: "p", props: { nodeConfig } });
    const goodNode = { workloadMetadataConfig: { mode: "GKE_METADATA" }, shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true } };

    it("passes a cluster with Workload Identity and Shielded Nodes, and a hardened node pool", async () => {
        expect(await violations(gkeWorkloadIdentityShieldedNodes, cluster({ workloadIdentityConfig: { workloadPool: "p.svc.id.goog" }, enableShieldedNodes: true }))).toEqual([]);
        expect(await violations(gkeWorkloadIdentityShieldedNodes, pool(goodNode))).toEqual([]);
    });

    it("rejects a cluster without them and node pools exposing node metadata or without Secure Boot", async () => {
        expect(await violations(gkeWorkloadIdentityShieldedNodes, cluster({ enableShieldedNodes: false }))).toHaveLength(2);
        expect(await violations(gkeWorkloadIdentityShieldedNodes, pool({ workloadMetadataConfig: { mode: "GCE_METADATA" } }))).toHaveLength(2);
        expect(await violations(gkeWorkloadIdentityShieldedNodes, pool({ ...goodNode, shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: false } }))).toHaveLength(1);
    });
});

describe("routes-tls-on-cloud", () => {
    const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
    const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
    const http = { name: "http", protocol: "HTTP", port: 80 };
    const https = { name: "https", protocol: "HTTPS", port: 443 };
    const gateway = (className: string, listeners: unknown[], annotations?: Record<string, string>): ResourceUnderTest => ({
        type: GATEWAY,
        props: { metadata: { name: "shop", annotations }, spec: { gatewayClassName: className, listeners } },
    });
    const ingress = (className: string, extra: { tls?: unknown[]; annotations?: Record<string, string> } = {}): ResourceUnderTest => ({
        type: INGRESS,
        props: { metadata: { name: "shop", annotations: extra.annotations }, spec: { ingressClassName: className, ...(extra.tls ? { tls: extra.tls } : {}), rules: [] } },
    });

    it("reports a cloud class's plain-HTTP Gateway and Ingress", async () => {
        for (const className of ["alb", "gke-l7-global-external-managed"]) {
            expect(await violations(routesTls, gateway(className, [http]))).toEqual([
                "Gateway shop serves plain HTTP on a cloud target: give the stack a DNS zone (dns.zone, dns.zoneId) for managed certificates, or set tls.mode off to choose plain HTTP explicitly.",
            ]);
        }
        expect(await violations(routesTls, ingress("gce"))).toHaveLength(1);
    });

    it("passes an HTTPS listener, spec.tls and the clouds' certificate annotations", async () => {
        expect(await violations(routesTls, gateway("alb", [http, https]))).toEqual([]);
        expect(await violations(routesTls, ingress("alb", { tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }] }))).toEqual([]);
        expect(await violations(routesTls, ingress("alb", { annotations: { "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:us-east-1:1:certificate/x" } }))).toEqual([]);
        expect(await violations(routesTls, ingress("gce", { annotations: { "ingress.gcp.kubernetes.io/pre-shared-cert": "shop-cert" } }))).toEqual([]);
    });

    it("passes plain HTTP chosen explicitly (the program's annotation), and local classes unless the config says cloud", async () => {
        expect(PLAIN_HTTP_ANNOTATION).toEqual({ [PLAIN_HTTP_CHOSEN.key]: PLAIN_HTTP_CHOSEN.value });
        expect(await violations(routesTls, gateway("alb", [http], PLAIN_HTTP_ANNOTATION))).toEqual([]);
        expect(await violations(routesTls, gateway("traefik", [http]))).toEqual([]);
        expect(await violations(routesTls, { ...gateway("my-nginx", [http]), config: { cloud: true } })).toHaveLength(1);
        expect(await violations(routesTls, { ...gateway("alb", [http]), config: { cloud: false } })).toEqual([]);
    });

    it("ignores every other kind", async () => {
        expect(await violations(routesTls, { type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", props: { spec: { gatewayClassName: "alb" } } })).toEqual([]);
    });
});
