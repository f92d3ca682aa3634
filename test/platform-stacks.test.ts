/**
 * Platform stacks (`app: none`: the cluster and its add-ons) and app stacks (`platform: <stack>`: the
 * app on the referenced platform), for each target, with the example stack files of examples/. The app
 * stacks read the `platform` output their platform stack produced under the same mocks, so the test
 * covers the contract between the two, not a hand-written copy of it.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_OUTPUT_VERSION } from "../config/platform-output";
import { cloudStateFor, EKS, GKE } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { isKubernetes, isSecretValue, plain, RunOptions, RunResult, runProgram } from "./harness";

const HELM = "kubernetes:helm.sh/v4:Chart";
const REFERENCE = "pulumi:pulumi:StackReference";
const ORG = "organization/ticketbuster";
const PLATFORMS = { local: "platform-local", eks: "platform-eks", gke: "platform-gke" } as const;
const APP_STACKS = { local: ["ticketbuster-local", "bookstore-local"], eks: ["ticketbuster-eks", "bookstore-eks"], gke: ["flores-victoria-gke"] } as const;
type Target = keyof typeof PLATFORMS;

const run = (stack: string, extra: Partial<RunOptions> = {}) =>
    runProgram({ stack, state: cloudStateFor(stack, (extra.config ?? {}) as Record<string, string>), ...extra });

const platforms = {} as Record<Target, RunResult>;
/** Every platform stack's `platform` output, by the name an app stack references it with. */
const references = (): Record<string, unknown> =>
    Object.fromEntries((Object.keys(PLATFORMS) as Target[]).map((t) => [`${ORG}/${PLATFORMS[t]}`, platforms[t].outputs.platform]));

beforeAll(async () => {
    for (const target of Object.keys(PLATFORMS) as Target[]) {
        platforms[target] = await run(PLATFORMS[target]);
        if (platforms[target].error) throw platforms[target].error;
    }
}, 120_000);

const appObjects = (r: RunResult) =>
    r.resources.filter(isKubernetes).filter((x) => ["Deployment", "StatefulSet", "PersistentVolumeClaim", "Job"].includes(String(plain(x.inputs).kind ?? x.type.split(":").pop())));

describe.each(Object.keys(PLATFORMS) as Target[])("platform stack on %s", (target) => {
    const result = () => platforms[target];

    it("creates the cluster and the add-ons, and nothing of any app", () => {
        const r = result();
        expect(r.resources.filter((x) => x.type === "ticketbuster:app:Application")).toEqual([]);
        expect(appObjects(r)).toEqual([]);
        expect(r.resources.filter((x) => x.type === "aws:ecr/repository:Repository")).toEqual([]);
        const charts = r.resources.filter((x) => x.type === HELM).map((x) => plain(x.inputs).chart).sort();
        const expected = { local: ["cert-manager", "fluent-bit", "kube-prometheus-stack", "loki", "metrics-server", "traefik"], eks: ["aws-load-balancer-controller", "kube-prometheus-stack"], gke: ["kube-prometheus-stack"] }[target];
        expect(charts).toEqual(expected);
        const cluster = { local: "pulumi:providers:kubernetes", eks: "eks:index:Cluster", gke: "gcp:container/cluster:Cluster" }[target];
        expect(r.resources.some((x) => x.type === cluster)).toBe(true);
        expect(r.outputs.app).toBe("none");
    });

    it("exports the versioned platform object: kubeconfig as a secret, classes, storage, registry, add-ons, identity", async () => {
        const out = result().outputs.platform as Record<string, any>;
        expect(out.version).toBe(PLATFORM_OUTPUT_VERSION);
        expect(out.target).toBe(target);
        expect(out.stack).toBe(`ticketbuster/${PLATFORMS[target]}`);
        expect(out.addons).toEqual(
            {
                local: { metricsServer: true, gateway: true, monitoring: true, logging: true },
                eks: { metricsServer: true, gateway: true, monitoring: true, logging: false },
                gke: { metricsServer: false, gateway: true, monitoring: true, logging: false },
            }[target],
        );
        // Where an app stack puts its log alert rules: only a platform that runs logging says (examples/local's does).
        expect(out.logging).toEqual(target === "local" ? { namespace: "loki", rulesLabels: { loki_rule: "1" } } : undefined);
        expect(out.monitoring).toEqual({ namespace: "monitoring", selectorLabels: {} });
        const routing = { local: ["traefik", "traefik", 8000], eks: ["alb", "alb", 80], gke: ["gke-l7-global-external-managed", "gce", 80] }[target];
        expect([out.routing.gatewayClassName, out.routing.ingressClassName, out.routing.listenerPort]).toEqual(routing);
        expect(out.routing.sources.length).toBeGreaterThan(0);
        const raw = (result().raw.platform as Record<string, any>).kubernetes;
        if (target === "local") {
            expect(out.kubernetes).toEqual({ context: "docker-desktop" });
            expect(out.registry).toEqual({ kind: "prefix", prefix: "ticketbuster" });
            expect(out.identity).toEqual({});
            expect(out.storageClass).toBeUndefined();
        }
        if (target === "eks") {
            expect(out.storageClass).toBe("gp3");
            expect(out.registry).toEqual({ kind: "ecr", host: `${EKS.account}.dkr.ecr.us-east-1.amazonaws.com`, region: "us-east-1", keepImages: 10, forceDelete: false });
            expect(out.identity.aws).toEqual({
                region: "us-east-1",
                partition: "aws",
                accountId: EKS.account,
                clusterName: EKS.clusterName,
                oidcProviderArn: `arn:aws:iam::${EKS.account}:oidc-provider/${EKS.oidcIssuer}`,
                oidcIssuer: EKS.oidcIssuer,
            });
            expect(JSON.parse(out.kubernetes.kubeconfig).users[0].user.exec.args).toContain(EKS.clusterName);
        }
        if (target === "gke") {
            expect(out.storageClass).toBe("standard-rwo");
            expect(out.registry).toEqual({ kind: "artifact-registry", url: "us-central1-docker.pkg.dev/ticketbuster-demo/ticketbuster" });
            expect(out.identity.gcp).toEqual({ project: "ticketbuster-demo", region: "us-central1", location: "us-central1-a", workloadIdentityPool: "ticketbuster-demo.svc.id.goog" });
            expect(out.kubernetes.kubeconfig).toContain(`https://${GKE.endpoint}`);
        }
        // Only the kubeconfig is secret: the rest of the object stays readable (`pulumi stack output platform`).
        if (target !== "local") expect(await pulumi.isSecret(raw.kubeconfig as pulumi.Output<string>)).toBe(true);
        expect(await pulumi.isSecret(pulumi.output((result().raw.platform as Record<string, any>).routing))).toBe(false);
    });
});

describe.each((Object.keys(APP_STACKS) as Target[]).flatMap((t) => APP_STACKS[t].map((s) => [t, s] as const)))("app stack on %s: %s", (target, stack) => {
    let r: RunResult;
    beforeAll(async () => {
        r = await run(stack, { platforms: references() });
        if (r.error) throw r.error;
    }, 120_000);

    it("creates no cluster and no add-on: one StackReference read, one provider from the platform's kubeconfig", () => {
        const types = new Set(r.resources.map((x) => x.type));
        for (const type of ["eks:index:Cluster", "awsx:ec2:Vpc", "gcp:container/cluster:Cluster", HELM, "ticketbuster:addons:Traefik", "ticketbuster:addons:MetricsServer"]) {
            expect(types.has(type), type).toBe(false);
        }
        expect(r.resources.filter((x) => x.type === REFERENCE).map((x) => x.inputs.name)).toEqual([`${ORG}/${PLATFORMS[target]}`]);
        const providers = r.resources.filter((x) => x.type === "pulumi:providers:kubernetes");
        expect(providers.map((p) => p.name)).toEqual(["platform"]);
        const kube = providers[0].inputs;
        if (target === "local") expect(plain(kube).context).toBe("docker-desktop");
        else expect(isSecretValue(kube.kubeconfig)).toBe(true);
        for (const k8s of r.resources.filter(isKubernetes)) expect(k8s.provider, k8s.name).toMatch(/::pulumi:providers:kubernetes::platform::/);
        expect(r.resources.some((x) => x.type === "ticketbuster:addons:Monitoring")).toBe(true);
        // The app's monitors only: the server (its namespace, its chart) is the platform's.
        expect(r.resources.filter((x) => x.type === "kubernetes:core/v1:Namespace").map((x) => plain(x.inputs).metadata.name)).toEqual([r.outputs.namespace]);
    });

    it("takes the platform's classes, storage and registry", () => {
        const out = platforms[target].outputs.platform as Record<string, any>;
        const objects = r.resources.filter(isKubernetes).map((x) => plain(x.inputs));
        const gateway = objects.find((o) => o.kind === "Gateway");
        if (gateway) expect(gateway.spec.gatewayClassName).toBe(out.routing.gatewayClassName);
        for (const claim of objects.filter((o) => o.kind === "PersistentVolumeClaim")) expect(claim.spec.storageClassName).toBe(out.storageClass);
        const images = Object.values(r.outputs.images as Record<string, string>);
        expect(images.length).toBeGreaterThan(0);
        for (const image of images) {
            if (target === "local") expect(image).toMatch(/^ticketbuster\//);
            if (target === "gke") expect(image.startsWith(`${out.registry.url}/`)).toBe(true);
            if (target === "eks") expect(image).toMatch(new RegExp(`^${EKS.account}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/ticketbuster-${stack}/`));
        }
    });

    it.runIf(target === "eks")("creates its own ECR repositories with the platform's policy, in the platform's region", () => {
        const repositories = r.resources.filter((x) => x.type === "aws:ecr/repository:Repository").map((x) => plain(x.inputs));
        expect(repositories.length).toBe(5);
        for (const repo of repositories) {
            expect(repo.name).toMatch(new RegExp(`^ticketbuster-${stack}/`));
            expect([repo.imageTagMutability, repo.forceDelete]).toEqual(["IMMUTABLE", false]);
        }
        const aws = r.resources.find((x) => x.type === "pulumi:providers:aws");
        expect(plain(aws!.inputs).region).toBe("us-east-1");
        const policies = r.resources.filter((x) => x.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy").map((x) => JSON.parse(plain(x.inputs).policy));
        expect(policies.map((p) => p.rules[0].selection.countNumber)).toEqual([10, 10, 10, 10, 10]);
    });
});

describe("two app stacks on one platform", () => {
    it("use their own namespaces and their own objects, so neither touches the other's nor the platform's", async () => {
        const a = await run("ticketbuster-local", { platforms: references() });
        const b = await run("bookstore-local", { platforms: references() });
        const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        const keys = (x: RunResult) => new Set(x.resources.filter(isKubernetes).map((o) => key(plain(o.inputs))));
        const [ka, kb, kp] = [keys(a), keys(b), keys(platforms.local)];
        expect([...ka].filter((k) => kb.has(k) || kp.has(k))).toEqual([]);
        expect([...kb].filter((k) => kp.has(k))).toEqual([]);
    });
});

describe("refusals, with nothing created", () => {
    const refs = () => references();
    const cases: { what: string; stack: string; config?: Record<string, string | undefined>; secrets?: Record<string, string>; expect: string[]; reads?: boolean }[] = [
        {
            what: "an app stack that also sets a target",
            stack: "bookstore-local",
            config: { target: "local" },
            expect: ['ticketbuster:target: got "local"', "allowed: nothing on a stack with platform set", "platform-local owns the cluster"],
        },
        { what: "an app stack with a kube context", stack: "bookstore-local", config: { kubeContext: "kind-dev" }, expect: ['ticketbuster:kubeContext: got "kind-dev"'] },
        { what: "an app stack with an eks section", stack: "ticketbuster-eks", config: { eks: '{"region":"eu-west-1"}' }, expect: ['ticketbuster:eks: got {"region":"eu-west-1"}'] },
        { what: "an app stack of no app", stack: "bookstore-local", config: { app: "none" }, expect: ['ticketbuster:app: got "none"', "allowed: an app of the catalog"] },
        { what: "an app stack with Grafana's host", stack: "bookstore-local", config: { addons: '{"grafanaHost":"grafana.local"}' }, expect: ['ticketbuster:addons.grafanaHost: got "grafana.local"', "Grafana is the platform stack"] },
        { what: "an app stack that turns the gateway off", stack: "bookstore-local", config: { addons: '{"gateway":false}' }, expect: ["ticketbuster:addons.gateway: got false", "the platform stack decides"] },
        { what: "a malformed platform reference", stack: "bookstore-local", config: { platform: "platform-local" }, expect: ['ticketbuster:platform: got "platform-local"', "<org>/<project>/<stack>"] },
        { what: "a platform stack with replicas", stack: "platform-local", config: { replicas: '{"frontend":3}' }, expect: ['ticketbuster:replicas: got {"frontend":3}', "a platform stack deploys no app"] },
        { what: "a platform stack with a namespace", stack: "platform-eks", config: { namespace: "shop" }, expect: ['ticketbuster:namespace: got "shop"'] },
        { what: "a platform stack with a tunnel token", stack: "platform-local", secrets: { cloudflareTunnelToken: "tok" }, expect: ["ticketbuster:cloudflareTunnelToken: got a secret (not shown)"] },
    ];
    it.each(cases)("$what", async (c) => {
        const r = await run(c.stack, { config: c.config, secrets: c.secrets, platforms: refs() });
        expectConfigRejected(r, c.expect);
        expect(r.error?.message).not.toContain("tok\n");
    });

    // These need the platform's output: the StackReference (a read of another stack's state) is the one registration.
    const referenceCases: { what: string; platform: unknown; config?: Record<string, string>; expect: string[] }[] = [
        {
            what: "a platform stack that lacks an add-on the app asks for",
            platform: () => ({ ...(platforms.local.outputs.platform as object), addons: { metricsServer: true, gateway: true, monitoring: false } }),
            expect: ["ticketbuster:addons.monitoring: got true", "the platform stack organization/ticketbuster/platform-local does not run monitoring", "it runs: metricsServer, gateway"],
        },
        {
            what: "a platform output of another version",
            platform: () => ({ ...(platforms.local.outputs.platform as object), version: 2 }),
            expect: ["the stack organization/ticketbuster/platform-local exports a platform output of version 2", `allowed: version ${PLATFORM_OUTPUT_VERSION}`],
        },
        { what: "a stack with no platform output", platform: () => undefined, expect: ["has no `platform` output", "a platform stack (app: none)"] },
        {
            what: "a platform output of the right version and a bad field",
            platform: () => ({ ...(platforms.local.outputs.platform as object), routing: { gatewayClassName: "traefik" } }),
            expect: ["exports a platform output this program cannot read", "routing.listenerPort"],
        },
    ];
    it.each(referenceCases)("$what", async (c) => {
        const value = (c.platform as () => unknown)();
        const r = await run("bookstore-local", { platforms: value === undefined ? {} : { [`${ORG}/platform-local`]: value } });
        expect(r.error?.name).toBe("ConfigError");
        for (const fragment of c.expect) expect(r.error?.message).toContain(fragment);
        expect(r.resources.map((x) => x.type)).toEqual([REFERENCE]);
    });
});
