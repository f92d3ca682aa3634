/**
 * Routes rendered as Gateway API objects on a cluster without the Gateway API (issue 16.4): refused
 * before anything is created, in the program's config check (own local cluster), in an app stack's
 * platform check, and in the driver's preflight, with one sentence naming the API and the two ways
 * out. The cluster is test/fixtures/kube/kubectl, a stand-in kubectl (TICKETBUSTER_KUBECTL) answering
 * per TICKETBUSTER_FAKE_CLUSTER; test/e2e/cluster.test.ts asks a real API server the same question.
 */
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { GATEWAY_API, servesApi } from "../config/cluster-apis";
import { localClusterProblem } from "../scripts/preflight";
import { cloudStateFor, platformsFor } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { MOCK_KUBECONFIG, runProgram } from "./harness";

const FAKE_KUBECTL = path.join(__dirname, "fixtures", "kube", "kubectl");
const cluster = (answer: "served" | "missing" | "unreachable") => (process.env.TICKETBUSTER_FAKE_CLUSTER = answer);
afterEach(() => delete process.env.TICKETBUSTER_FAKE_CLUSTER);

const SENTENCE = [
    'ticketbuster:routing: got "gateway", but the cluster of context docker-desktop serves no Gateway API (gateway.networking.k8s.io/v1',
    "pulumi config set --path addons.gateway true",
    "pulumi config set routing ingress",
];
const GATEWAY_OFF = { app: "bookstore", addons: JSON.stringify({ gateway: false }) };

describe("an all-in-one local stack with the gateway add-on off", () => {
    it("is refused with zero resources when the cluster has no Gateway API", async () => {
        cluster("missing");
        expectConfigRejected(await runProgram({ stack: "dev", config: GATEWAY_OFF }), SENTENCE);
    });

    it("deploys when the cluster serves it (a controller of its own), or when the routes are an Ingress", async () => {
        cluster("served");
        expect((await runProgram({ stack: "dev", config: GATEWAY_OFF })).error).toBeUndefined();
        cluster("missing");
        const ingress = await runProgram({ stack: "dev", config: { ...GATEWAY_OFF, routing: "ingress" } });
        expect(ingress.error).toBeUndefined();
        expect(ingress.resources.some((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress")).toBe(true);
    });

    it("is not refused when the cluster cannot be asked, nor for an app without routes, nor with the add-on on", async () => {
        cluster("unreachable");
        expect((await runProgram({ stack: "dev", config: GATEWAY_OFF })).error).toBeUndefined();
        cluster("missing");
        expect((await runProgram({ stack: "dev", config: { app: "ticketbuster", addons: JSON.stringify({ gateway: false }) } })).error).toBeUndefined();
        expect((await runProgram({ stack: "dev", config: { app: "bookstore" } })).error).toBeUndefined();
    });
});

describe("an app stack on a platform whose gateway add-on is off", () => {
    it("is refused, naming the platform stack and how to turn its add-on on; only the StackReference was read", async () => {
        cluster("missing");
        const platforms = await platformsFor("bookstore-local");
        const reference = "organization/ticketbuster/platform-local";
        const off = { ...(platforms[reference] as Record<string, any>) };
        off.addons = { ...off.addons, gateway: false };
        const r = await runProgram({ stack: "bookstore-local", state: cloudStateFor("bookstore-local"), platforms: { [reference]: off } });
        expect(r.error?.name).toBe("ConfigError");
        expect(r.error?.message).toContain(`the cluster of the platform stack ${reference} serves no Gateway API`);
        expect(r.error?.message).toContain(`pulumi config set --path addons.gateway true --stack ${reference}`);
        expect(r.resources.map((x) => x.type)).toEqual(["pulumi:pulumi:StackReference"]);
    });
});

describe("the driver's preflight and the question itself", () => {
    const env = { ...process.env, TICKETBUSTER_KUBECTL: FAKE_KUBECTL };
    const config: Record<string, string> = { kubeconfig: MOCK_KUBECONFIG, app: "bookstore", addons: JSON.stringify({ gateway: false }) };

    it("says the same sentence before the engine starts", () => {
        const problem = localClusterProblem((k) => config[k], "/", { ...env, TICKETBUSTER_FAKE_CLUSTER: "missing" });
        for (const fragment of SENTENCE) expect(problem).toContain(fragment);
        expect(localClusterProblem((k) => config[k], "/", { ...env, TICKETBUSTER_FAKE_CLUSTER: "served" })).toBeUndefined();
        expect(localClusterProblem((k) => ({ ...config, routing: "ingress" })[k], "/", { ...env, TICKETBUSTER_FAKE_CLUSTER: "missing" })).toBeUndefined();
        expect(localClusterProblem((k) => ({ ...config, platform: "organization/ticketbuster/platform-local" })[k], "/", { ...env, TICKETBUSTER_FAKE_CLUSTER: "missing" })).toBeUndefined();
    });

    it("servesApi: true, false, or undefined when the cluster cannot be asked (no kubectl at all included)", () => {
        const at = { kubeconfig: MOCK_KUBECONFIG, context: "docker-desktop" };
        expect(servesApi(at, GATEWAY_API, { ...env, TICKETBUSTER_FAKE_CLUSTER: "served" })).toBe(true);
        expect(servesApi(at, GATEWAY_API, { ...env, TICKETBUSTER_FAKE_CLUSTER: "missing" })).toBe(false);
        expect(servesApi(at, GATEWAY_API, { ...env, TICKETBUSTER_FAKE_CLUSTER: "unreachable" })).toBeUndefined();
        expect(servesApi(at, GATEWAY_API, { ...env, TICKETBUSTER_KUBECTL: "/nonexistent/kubectl" })).toBeUndefined();
    });
});
