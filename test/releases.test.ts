/**
 * Releases (config `releases.<tier>`): the canary's objects, the HTTPRoute's weights and header rule,
 * the replica ratio of an internal tier, promotion, and every refusal, under Pulumi mocks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { APPS } from "../apps";
import { isStateless } from "../apps/wiring";
import { canaryReplicas } from "../components/canary-release";
import { policies } from "../policy/policies";
import { appNames, STACKS } from "../scripts/render/manifests";
import { cloudStateFor } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { isKubernetes, plain, Registered, RunResult, runProgram } from "./harness";
import { schemaError } from "./k8s-schema";
import { fromRegistered, violations } from "./policy-args";
import { byName, byType, DEPLOYMENT, HPA, HTTPROUTE, NETPOL, objects, PDB, SERVICE } from "./targets";

const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const MONITORING = JSON.stringify({ monitoring: true });

const run = (config: Record<string, string>, stack = "dev") =>
    runProgram({ stack, state: cloudStateFor(stack, config), config: { app: "flores-victoria", ...config } });
const releases = (r: Record<string, unknown>) => JSON.stringify(r);

async function ok(config: Record<string, string>, stack = "dev"): Promise<RunResult> {
    const r = await run(config, stack);
    if (r.error) throw r.error;
    return r;
}

/** Does a matchLabels selector select a pod with these labels? */
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Every Kubernetes object as kind/name -> plain inputs. */
const everything = (r: RunResult): Record<string, any> =>
    Object.fromEntries(r.resources.filter(isKubernetes).map((x) => [`${plain(x.inputs).kind ?? x.type}/${plain(x.inputs).metadata?.name}`, plain(x.inputs)]));

describe("a release of a routed tier (flores-victoria api-gateway, HPA 2-6) and an internal one (auth-service, 1 pod)", () => {
    let base: RunResult;
    let r: RunResult;
    beforeAll(async () => {
        base = await ok({});
        r = await ok({ releases: releases({ "api-gateway": { imageTag: "1.1.0", weight: 20 }, "auth-service": { imageTag: "1.1.0", weight: 30 } }) });
    });

    it("runs <tier>-canary: the stable pod with the new image, labelled track canary and the version", () => {
        for (const tier of ["api-gateway", "auth-service"]) {
            const stable = byName(r, DEPLOYMENT, tier);
            const canary = byName(r, DEPLOYMENT, `${tier}-canary`);
            const podLabels = canary.spec.template.metadata.labels;
            expect(podLabels).toEqual({
                ...stable.spec.template.metadata.labels,
                "app.kubernetes.io/component": "canary",
                track: "canary",
                "app.kubernetes.io/version": "1.1.0",
            });
            expect(canary.metadata.labels).toEqual(podLabels);
            expect(canary.spec.selector.matchLabels).toEqual({ app: tier, track: "canary" });
            expect(selects(canary.spec.selector.matchLabels, stable.spec.template.metadata.labels)).toBe(false);
            const image = canary.spec.template.spec.containers[0].image;
            expect(image).toBe(`ticketbuster/flores-victoria-${tier}:1.1.0`);
            expect(stable.spec.template.spec.containers[0].image).toBe(`ticketbuster/flores-victoria-${tier}:1.0.0`);
            // Same pod in every other respect: env, probes, resources, security, service account, spreading.
            const withImage = (spec: any, img: string) => ({ ...spec, containers: [{ ...spec.containers[0], image: img }] });
            expect(canary.spec.template.spec).toEqual(withImage(stable.spec.template.spec, image));
            expect(canary.spec.template.metadata.annotations).toEqual(stable.spec.template.metadata.annotations);
            expect(canary.spec.strategy).toEqual(stable.spec.strategy);
        }
    });

    it("gives the canary no HPA and no PDB of its own; the tier's PDB (selector app) covers its pods", () => {
        expect(Object.keys(objects(r, HPA)).sort()).toEqual(Object.keys(objects(base, HPA)).sort());
        expect(Object.keys(objects(r, PDB)).sort()).toEqual(Object.keys(objects(base, PDB)).sort());
        const pdb = byName(r, PDB, "api-gateway");
        expect(selects(pdb.spec.selector.matchLabels, byName(r, DEPLOYMENT, "api-gateway-canary").spec.template.metadata.labels)).toBe(true);
    });

    it("gives each canary its own ClusterIP Service <tier>-canary, selecting its pods only", () => {
        for (const [tier, port] of [["api-gateway", 80], ["auth-service", 4001]] as const) {
            const svc = byName(r, SERVICE, `${tier}-canary`);
            expect(svc.spec.type).toBe("ClusterIP");
            expect(svc.spec.selector).toEqual({ app: tier, track: "canary" });
            expect(svc.spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([[port, "http"]]);
            // Not app=<tier>: the stable ServiceMonitor selects Services by that label.
            expect(svc.metadata.labels.app).toBe(`${tier}-canary`);
            expect(selects(svc.spec.selector, byName(r, DEPLOYMENT, tier).spec.template.metadata.labels)).toBe(false);
        }
    });

    it("splits the routed tier's path 80/20 between <tier>-stable and <tier>-canary, and sends the header to the canary", () => {
        const rules = byName(r, HTTPROUTE, "flores-victoria").spec.rules;
        const baseRules = byName(base, HTTPROUTE, "flores-victoria").spec.rules;
        expect(rules).toEqual([
            baseRules[0], // "/" -> frontend, untouched
            {
                matches: [{ path: { type: "PathPrefix", value: "/api" } }],
                backendRefs: [
                    { name: "api-gateway-stable", port: 80, weight: 80 },
                    { name: "api-gateway-canary", port: 80, weight: 20 },
                ],
            },
            {
                matches: [{ path: { type: "PathPrefix", value: "/api" }, headers: [{ type: "Exact", name: "x-canary", value: "always" }] }],
                backendRefs: [{ name: "api-gateway-canary", port: 80 }],
            },
        ]);
    });

    it("selects only the stable pods behind <tier>-stable, while the tier's own Service keeps both tracks", () => {
        const stablePods = byName(r, DEPLOYMENT, "api-gateway").spec.template.metadata.labels;
        const canaryPods = byName(r, DEPLOYMENT, "api-gateway-canary").spec.template.metadata.labels;
        const stableOnly = byName(r, SERVICE, "api-gateway-stable");
        expect(selects(stableOnly.spec.selector, stablePods)).toBe(true);
        expect(selects(stableOnly.spec.selector, canaryPods)).toBe(false);
        expect(stableOnly.spec.ports).toEqual(byName(r, SERVICE, "api-gateway").spec.ports);
        for (const tier of ["api-gateway", "auth-service"]) {
            const own = byName(r, SERVICE, tier);
            expect(selects(own.spec.selector, byName(r, DEPLOYMENT, `${tier}-canary`).spec.template.metadata.labels), tier).toBe(true);
        }
        // An internal tier needs no stable-only Service: its split is the replica ratio.
        expect(Object.keys(objects(r, SERVICE))).not.toContain("auth-service-stable");
    });

    it("admits the canary pods through every NetworkPolicy exactly as the stable pods (both ways)", () => {
        const policies = Object.values<any>(objects(r, NETPOL));
        expect(policies).toEqual(Object.values<any>(objects(base, NETPOL)));
        for (const tier of ["api-gateway", "auth-service"]) {
            const stable = byName(r, DEPLOYMENT, tier).spec.template.metadata.labels;
            const canary = byName(r, DEPLOYMENT, `${tier}-canary`).spec.template.metadata.labels;
            const governing = (labels: Record<string, string>) => policies.filter((p) => selects(p.spec.podSelector.matchLabels ?? {}, labels)).map((p) => p.metadata.name);
            expect(governing(canary), tier).toEqual(governing(stable));
            expect(governing(stable).length).toBeGreaterThan(3);
            // As a peer in other tiers' policies: every podSelector peer that names the stable pods names the canary's.
            const peers = policies.flatMap((p) => [...(p.spec.ingress ?? []).flatMap((x: any) => x.from ?? []), ...(p.spec.egress ?? []).flatMap((x: any) => x.to ?? [])]);
            // (Peers by matchExpressions only, e.g. the backups' restore pods, name no tier's pods.)
            for (const peer of peers.filter((x: any) => x.podSelector?.matchLabels && selects(x.podSelector.matchLabels, stable))) {
                expect(selects(peer.podSelector.matchLabels, canary)).toBe(true);
            }
        }
    });

    it("leaves every object of the stable release as it was; only the HTTPRoute changes", () => {
        const before = everything(base);
        const after = everything(r);
        const added = Object.keys(after).filter((k) => !(k in before)).sort();
        expect(added).toEqual(["Deployment/api-gateway-canary", "Deployment/auth-service-canary", "Service/api-gateway-canary", "Service/api-gateway-stable", "Service/auth-service-canary"]);
        expect(Object.keys(before).filter((k) => !(k in after))).toEqual([]);
        const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
        expect(changed).toEqual(["HTTPRoute/flores-victoria"]);
    });

    it("passes the Kubernetes schema and the policy pack", async () => {
        const builtIn = r.resources.filter((x) => isKubernetes(x) && /canary|stable/.test(plain(x.inputs).metadata?.name ?? ""));
        expect(builtIn).toHaveLength(5);
        expect(builtIn.map(schemaError).filter(Boolean)).toEqual([]);
        const found: string[] = [];
        for (const x of builtIn) for (const policy of policies) found.push(...(await violations(policy, fromRegistered(x, "dev", { protectData: false }))));
        expect(found).toEqual([]);
    });
});

describe("blue/green: weight 0 and 100 on a routed tier", () => {
    const backends = async (weight: number, header?: { name: string; value: string }) => {
        const r = await ok({ releases: releases({ "api-gateway": { imageTag: "2.0.0", weight, ...(header ? { header } : {}) } }) });
        const rules = byName(r, HTTPROUTE, "flores-victoria").spec.rules;
        return { r, split: rules[1].backendRefs, header: rules[2] };
    };

    it("at weight 0 the green version runs (one pod), takes no routed traffic and answers the header", async () => {
        const { r, split, header } = await backends(0);
        expect(split.map((b: any) => [b.name, b.weight])).toEqual([["api-gateway-stable", 100], ["api-gateway-canary", 0]]);
        expect(header.backendRefs).toEqual([{ name: "api-gateway-canary", port: 80 }]);
        expect(byName(r, DEPLOYMENT, "api-gateway-canary").spec.replicas).toBe(1);
    });

    it("at weight 100 every routed request goes to the new version, sized like the stable tier", async () => {
        const { r, split } = await backends(100);
        expect(split.map((b: any) => [b.name, b.weight])).toEqual([["api-gateway-stable", 0], ["api-gateway-canary", 100]]);
        expect(byName(r, DEPLOYMENT, "api-gateway-canary").spec.replicas).toBe(2);
    });

    it("takes the header from releases.<tier>.header", async () => {
        const { header } = await backends(10, { name: "X-Release", value: "green" });
        expect(header.matches[0].headers).toEqual([{ type: "Exact", name: "X-Release", value: "green" }]);
    });
});

describe("replica ratio", () => {
    it("sizes a routed canary for its share of the traffic: ceil(stable x w / 100), at least 1", () => {
        expect([0, 1, 10, 34, 50, 51, 100].map((w) => canaryReplicas(3, w, true))).toEqual([1, 1, 1, 2, 2, 2, 3]);
        expect(canaryReplicas(10, 25, true)).toBe(3);
    });

    it("sizes an internal canary so that its part of the Service's pods approaches the weight, never above the stable count", () => {
        const share = (stable: number, w: number) => {
            const c = canaryReplicas(stable, w, false);
            return c / (stable + c);
        };
        expect([10, 20, 25, 40, 50, 75, 100].map((w) => canaryReplicas(4, w, false))).toEqual([1, 1, 1, 3, 4, 4, 4]);
        expect(share(4, 20)).toBeCloseTo(0.2);
        expect(share(3, 25)).toBeCloseTo(0.25);
        expect(share(9, 10)).toBeCloseTo(0.1);
        expect(share(4, 50)).toBeCloseTo(0.5);
        expect(canaryReplicas(1, 0, false)).toBe(1);
    });

    it("applies it to an internal tier's replica override (auth-service 4 pods at 40% -> 3 canary pods)", async () => {
        const r = await ok({ replicas: JSON.stringify({ "auth-service": 4 }), releases: releases({ "auth-service": { imageTag: "1.1.0", weight: 40 } }) });
        expect(byName(r, DEPLOYMENT, "auth-service").spec.replicas).toBe(4);
        expect(byName(r, DEPLOYMENT, "auth-service-canary").spec.replicas).toBe(3);
    });

    it("counts an autoscaled tier's floor (product-service HPA 1-4 with replicas 4 at 50% -> 4)", async () => {
        const r = await ok({ replicas: JSON.stringify({ "product-service": 4 }), releases: releases({ "product-service": { imageTag: "1.1.0", weight: 50 } }) });
        expect(byName(r, DEPLOYMENT, "product-service-canary").spec.replicas).toBe(4);
        expect(byName(r, HPA, "product-service").spec.scaleTargetRef.name).toBe("product-service");
    });
});

describe("monitoring during a release", () => {
    it("scrapes the canary under its own ServiceMonitor and leaves its pods out of the stable one", async () => {
        const base = await ok({ addons: MONITORING });
        const r = await ok({ addons: MONITORING, releases: releases({ "api-gateway": { imageTag: "1.1.0", weight: 10 } }) });
        const monitors = objects(r, SERVICE_MONITOR);
        const canary = monitors["api-gateway-canary"];
        expect(canary.spec.selector.matchLabels).toEqual({ app: "api-gateway-canary" });
        expect(canary.spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "30s" }]);
        expect(selects(canary.spec.selector.matchLabels, byName(r, SERVICE, "api-gateway-canary").metadata.labels)).toBe(true);
        // The stable monitor selects only the tier's own Service, and drops the canary's pods from it.
        for (const svc of ["api-gateway-canary", "api-gateway-stable"]) {
            expect(selects(monitors["api-gateway"].spec.selector.matchLabels, byName(r, SERVICE, svc).metadata.labels), svc).toBe(false);
        }
        expect(monitors["api-gateway"].spec.endpoints).toEqual([
            {
                port: "http",
                path: "/metrics",
                interval: "30s",
                relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_label_track"], regex: "canary", action: "drop" }],
            },
        ]);
        // Other tiers' monitors as before.
        const others = (m: Record<string, any>) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith("api-gateway")));
        expect(others(monitors)).toEqual(others(objects(base, SERVICE_MONITOR)));
    });

    it("makes no canary monitor for a tier that declares no metrics (checked on pod health only)", async () => {
        const r = await runProgram({ stack: "dev", config: { addons: MONITORING, releases: releases({ "api-gateway": { imageTag: "1.1.0" } }) } });
        if (r.error) throw r.error;
        expect(APPS.ticketbuster.tiers.some((t) => isStateless(t) && t.metrics)).toBe(false);
        expect(Object.keys(objects(r, SERVICE_MONITOR)).filter((n) => n.includes("canary"))).toEqual([]);
        expect(byName(r, DEPLOYMENT, "api-gateway-canary").spec.replicas).toBe(1);
    });
});

describe("promotion and removal", () => {
    it("promote = imageTags.<tier> set to the new tag and the release removed: the stable tier runs it, no canary object is left", async () => {
        const promoted = await ok({ imageTags: JSON.stringify({ "api-gateway": "1.1.0" }) });
        const base = await ok({});
        const after = everything(promoted);
        expect(Object.keys(after).filter((k) => /canary|-stable$/.test(k))).toEqual([]);
        expect(byName(promoted, DEPLOYMENT, "api-gateway").spec.template.spec.containers[0].image).toBe("ticketbuster/flores-victoria-api-gateway:1.1.0");
        expect(byName(promoted, HTTPROUTE, "flores-victoria")).toEqual(byName(base, HTTPROUTE, "flores-victoria"));
        const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(everything(base)[k]));
        expect(changed).toEqual(["Deployment/api-gateway"]);
    });

    it("removing a release (or an empty releases object) leaves exactly the objects of no release", async () => {
        const base = everything(await ok({}));
        expect(everything(await ok({ releases: "{}" }))).toEqual(base);
    });

    it("reads an all-digit tag that `pulumi config set --path` stored as a number as the tag it was", async () => {
        const r = await ok({ releases: '{"api-gateway":{"imageTag":1234567,"weight":5}}', imageTags: '{"auth-service":7654321}' });
        expect(byName(r, DEPLOYMENT, "api-gateway-canary").spec.template.spec.containers[0].image).toMatch(/:1234567$/);
        expect(byName(r, DEPLOYMENT, "auth-service").spec.template.spec.containers[0].image).toMatch(/:7654321$/);
    });
});

describe("every app's canaries on every stack (a release of each stateless tier)", () => {
    it.each(STACKS.flatMap((stack) => appNames().map((app) => [stack, app] as const)))("%s / %s: Kubernetes schema and policy pack", async (stack, app) => {
        const tiers = APPS[app].tiers.filter(isStateless).map((t) => t.name);
        const config = { app, releases: releases(Object.fromEntries(tiers.map((t, i) => [t, { imageTag: "9.9.9", weight: (i * 37) % 101 }]))) };
        const r = await runProgram({ stack, config, state: cloudStateFor(stack, config) });
        if (r.error) throw r.error;
        const canaries = byType(r, DEPLOYMENT).filter((d) => plain(d.inputs).metadata.name.endsWith("-canary"));
        expect(canaries.map((d) => plain(d.inputs).metadata.name).sort()).toEqual(tiers.map((t) => `${t}-canary`).sort());
        const releaseObjects: Registered[] = r.resources.filter((x) => isKubernetes(x) && /-(canary|stable)$/.test(plain(x.inputs).metadata?.name ?? ""));
        expect(releaseObjects.map(schemaError).filter(Boolean)).toEqual([]);
        const found: string[] = [];
        for (const x of releaseObjects) for (const policy of policies) found.push(...(await violations(policy, fromRegistered(x, stack, { protectData: false }))));
        expect(found).toEqual([]);
        const routes = byType(r, HTTPROUTE).map((x) => plain(x.inputs));
        for (const route of routes) {
            expect(route.spec.rules.length).toBeLessThanOrEqual(16); // the Gateway API's maximum
            // The HTTPS redirect route's rule has a RequestRedirect filter and no backends.
            for (const rule of route.spec.rules.filter((r: any) => r.backendRefs)) {
                const weights = rule.backendRefs.map((b: any) => b.weight);
                if (rule.backendRefs.length === 2) expect(weights[0] + weights[1]).toBe(100);
            }
        }
    });
});

describe("refusals: nothing is created", () => {
    const cases: { what: string; config: Record<string, string>; expect: string[] }[] = [
        {
            what: "a tier the app does not have",
            config: { releases: releases({ "api-gatway": { imageTag: "1.1.0" } }) },
            expect: ['ticketbuster:releases.api-gatway: got "api-gatway"', 'unknown tier "api-gatway"', "allowed: frontend, api-gateway, auth-service"],
        },
        {
            what: "a data store",
            config: { releases: releases({ postgres: { imageTag: "16.4" } }) },
            expect: ['ticketbuster:releases.postgres: got {"imageTag":"16.4"}', "postgres is a data store", "allowed: a release of a stateless tier"],
        },
        {
            what: "a weight above 100",
            config: { releases: releases({ "api-gateway": { imageTag: "1.1.0", weight: 120 } }) },
            expect: ["ticketbuster:releases.api-gateway.weight: got 120; allowed: an integer 0..100"],
        },
        {
            what: "a negative weight",
            config: { releases: releases({ "auth-service": { imageTag: "1.1.0", weight: -5 } }) },
            expect: ["ticketbuster:releases.auth-service.weight: got -5; allowed: an integer 0..100"],
        },
        {
            what: "a fractional weight",
            config: { releases: releases({ "api-gateway": { imageTag: "1.1.0", weight: 12.5 } }) },
            expect: ["ticketbuster:releases.api-gateway.weight: got 12.5; allowed: an integer 0..100"],
        },
        {
            what: "a weight that is not a number",
            config: { releases: releases({ "api-gateway": { imageTag: "1.1.0", weight: "ten" } }) },
            expect: ['ticketbuster:releases.api-gateway.weight: got "ten"; allowed: an integer 0..100'],
        },
        {
            what: "the tag the tier runs now (imageTag)",
            config: { releases: releases({ "api-gateway": { imageTag: "1.0.0", weight: 10 } }) },
            expect: ['ticketbuster:releases.api-gateway.imageTag: got "1.0.0"; allowed: a tag other than the one api-gateway runs now (1.0.0, from imageTag)'],
        },
        {
            what: "the tag the tier runs now (imageTags.<tier>)",
            config: { imageTags: JSON.stringify({ "auth-service": "1.3.0" }), releases: releases({ "auth-service": { imageTag: "1.3.0" } }) },
            expect: ['ticketbuster:releases.auth-service.imageTag: got "1.3.0"; allowed: a tag other than the one auth-service runs now (1.3.0, from imageTags.auth-service)'],
        },
        {
            what: "a release without a tag",
            config: { releases: releases({ "api-gateway": { weight: 10 } }) },
            expect: ["ticketbuster:releases.api-gateway.imageTag: got nothing; allowed: a Docker tag"],
        },
        {
            what: "a moving tag",
            config: { releases: releases({ "api-gateway": { imageTag: "latest" } }) },
            expect: ["ticketbuster:releases.api-gateway.imageTag: got \"latest\"; allowed: a pinned tag"],
        },
        {
            what: "a tag that cannot be a label value",
            config: { releases: releases({ "api-gateway": { imageTag: "_build" } }) },
            expect: ['ticketbuster:releases.api-gateway.imageTag: got "_build"', "app.kubernetes.io/version"],
        },
        {
            what: "a misspelt key",
            config: { releases: releases({ "api-gateway": { imageTag: "1.1.0", wieght: 10 } }) },
            expect: ["ticketbuster:releases.api-gateway.wieght: unknown key; allowed: imageTag, weight, header"],
        },
        {
            what: "a header name that is not a token",
            config: { releases: releases({ "api-gateway": { imageTag: "1.1.0", header: { name: "x canary", value: "1" } } }) },
            expect: ['ticketbuster:releases.api-gateway.header.name: got "x canary"; allowed: an HTTP header name'],
        },
        {
            what: "a canary of a routed tier with routing ingress",
            config: { routing: "ingress", releases: releases({ "api-gateway": { imageTag: "1.1.0", weight: 10 } }) },
            expect: ["ticketbuster:releases.api-gateway: got a release of api-gateway, which the app's routes reach, with routing \"ingress\"", 'allowed: routing "gateway"', "pulumi config set routing gateway"],
        },
        {
            what: "releases that is not JSON",
            config: { releases: "api-gateway=1.1.0" },
            expect: ['ticketbuster:releases: got "api-gateway=1.1.0"; allowed: a JSON object'],
        },
    ];

    it.each(cases)("refuses $what", async (c) => {
        expectConfigRejected(await run(c.config), c.expect);
    });

    it("reports every bad release at once", async () => {
        const r = await run({ releases: releases({ postgres: { imageTag: "1" }, "api-gateway": { imageTag: "1.0.0", weight: 101 } }) });
        const lines = r.error?.message.split("\n").filter((l) => l.startsWith("  - ")) ?? [];
        expect(lines).toHaveLength(2);
        expect(r.resources).toHaveLength(0);
        // The same tag is reported once the weight is fixed (cross-key checks run on a valid releases object).
        const again = await run({ releases: releases({ "api-gateway": { imageTag: "1.0.0", weight: 100 } }) });
        expectConfigRejected(again, ["releases.api-gateway.imageTag"]);
    });

    it("accepts a canary of an internal tier with routing ingress (its split is the replica ratio)", async () => {
        const r = await ok({ routing: "ingress", releases: releases({ "auth-service": { imageTag: "1.1.0", weight: 10 } }) });
        expect(byName(r, DEPLOYMENT, "auth-service-canary").spec.replicas).toBe(1);
        expect(byType(r, "kubernetes:networking.k8s.io/v1:Ingress")).toHaveLength(1);
    });

    it("releases a tier without ports (Ticketing's expiration worker): a canary Deployment, no Service", async () => {
        const r = await runProgram({ stack: "dev", config: { app: "ticketing", releases: releases({ expiration: { imageTag: "1.0.1", weight: 50 } }) } });
        if (r.error) throw r.error;
        expect(byName(r, DEPLOYMENT, "expiration-canary").spec.template.spec.containers[0].image).toMatch(/expiration:1\.0\.1$/);
        expect(Object.keys(objects(r, SERVICE)).filter((n) => n.startsWith("expiration"))).toEqual([]);
    });
});

describe("platform and app stacks (examples/local): releases are the app stack's", () => {
    const PLATFORM_REF = "organization/ticketbuster/platform-local";
    let platformOutput: unknown;
    beforeAll(async () => {
        const p = await runProgram({ stack: "platform-local", state: cloudStateFor("platform-local", {}) });
        if (p.error) throw p.error;
        platformOutput = p.outputs.platform;
    }, 120_000);

    it("refuses a release on a platform stack (app none), naming the key, with nothing created", async () => {
        const config = { releases: releases({ gateway: { imageTag: "1.1.0", weight: 10 } }) };
        const r = await runProgram({ stack: "platform-local", config, state: cloudStateFor("platform-local", config) });
        expectConfigRejected(r, ['ticketbuster:releases: got {"gateway":{"imageTag":"1.1.0","weight":10}}', "allowed: nothing (app is none: a platform stack deploys no app"]);
    });

    it("runs a release on an app stack: the canary from the platform's registry, the weighted route, its monitor on the platform's monitoring", async () => {
        const config = { releases: releases({ gateway: { imageTag: "1.1.0", weight: 25 } }) };
        const r = await runProgram({ stack: "bookstore-local", config, platforms: { [PLATFORM_REF]: platformOutput } });
        if (r.error) throw r.error;
        const canary = byName(r, DEPLOYMENT, "gateway-canary");
        expect(canary.spec.template.spec.containers[0].image).toBe("ticketbuster/bookstore-gateway:1.1.0");
        expect(canary.metadata.namespace).toBe("bookstore");
        const rule = byType(r, HTTPROUTE)
            .map((x) => plain(x.inputs))
            .flatMap((route) => route.spec.rules)
            .find((rule: any) => rule.backendRefs?.length === 2);
        expect(rule.backendRefs.map((b: any) => [b.name, b.weight])).toEqual([
            ["gateway-stable", 75],
            ["gateway-canary", 25],
        ]);
        const monitors = byType(r, SERVICE_MONITOR).map((x) => plain(x.inputs).metadata.name);
        expect(monitors).toContain("gateway-canary");
        // Nothing of the platform's: no chart, no cluster-wide object.
        expect(r.resources.some((x) => x.type === "kubernetes:helm.sh/v4:Chart")).toBe(false);
    });
});
