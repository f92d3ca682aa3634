/**
 * Every app's Kubernetes objects against a real API server (kube-apiserver, controller-manager and
 * scheduler 1.33, kwok nodes; scripts/e2e/cluster.sh), one app after the other: rendered from the
 * real program under mocks, applied with kubectl server-side apply, read back until the same
 * readiness Pulumi awaits, re-applied without a diff, and deleted without leftovers.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_NAMES, APPS } from "../../apps";
import { backedUpStores } from "../../apps/stores";
import { clientPorts, isStateless, isStore } from "../../apps/wiring";
import { backupApp, destinationOf, restoreJob } from "../../components/backup-scripts";
import { BACKUP_CLAIM } from "../../components/backups";
import { followJob } from "../../scripts/backups/jobs";
import { Kubectl } from "../../scripts/backups/kubectl";
import { stringify, parse } from "yaml";
import { renderManifests, renderObjects } from "../../scripts/render/manifests";
import { CLUSTER_TOOLS, clusterDown, clusterUp, e2eOverlay, e2eScript, ROOT, useCluster, useToolchain } from "../../scripts/e2e/session";
import { GATEWAY_API, servesApi } from "../../config/cluster-apis";
import { localClusterProblem } from "../../scripts/preflight";
import { expectedPods, isReady, kubectl } from "./kube";

const skip = process.env.TICKETBUSTER_SKIP_E2E === "1";
useCluster("e2e-objects");
/**
 * Enough static PVs of the right sizes for the app with the most volumes (Ticketing: six of 1Gi), each
 * app's `backups` volume (10Gi), and two apps side by side on one platform (TicketBuster and Bookstore:
 * two 20Gi volumes, Bookstore's MongoDB 10Gi, two backups volumes).
 */
const STATIC_PVS = "20Gi 20Gi 10Gi 10Gi 10Gi 10Gi 5Gi 5Gi 5Gi 2Gi 1Gi 1Gi 1Gi 1Gi 1Gi 1Gi";
const FIELD_MANAGER = "--field-manager=ticketbuster-e2e";
const TLS = JSON.stringify({ mode: "self-signed" });

let k: ReturnType<typeof kubectl>;
let kubeconfig: string;
let crds: string;
/** What the program's and the driver's Gateway API checks said of the bare cluster, then with the CRDs applied. */
const gatewayApi: { before?: boolean; after?: boolean; preflightBefore?: string; preflightAfter?: string } = {};


async function waitFor(what: string, check: () => boolean, seconds = 180): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}

describe.skipIf(skip)("e2e: every app's objects on a real Kubernetes API server", { timeout: 900_000 }, () => {
    beforeAll(() => {
        useToolchain(CLUSTER_TOOLS);
        process.env.E2E_STATIC_PVS = STATIC_PVS;
        const cluster = clusterUp();
        kubeconfig = cluster.kubeconfig;
        k = kubectl(kubeconfig);
        // The real kubectl against the real API server (the unit tests' stand-in is for mocks only).
        const env = { ...process.env, TICKETBUSTER_KUBECTL: "kubectl" };
        const config: Record<string, string> = { kubeconfig: cluster.kubeconfig, kubeContext: cluster.context, app: "bookstore", addons: JSON.stringify({ gateway: false }) };
        const ask = () => [servesApi({ kubeconfig: cluster.kubeconfig, context: cluster.context }, GATEWAY_API, env), localClusterProblem((key) => config[key], ROOT, env)] as const;
        [gatewayApi.before, gatewayApi.preflightBefore] = ask();
        // Not built into Kubernetes: the Gateway API's standard-channel CRDs (what a cluster's controller
        // brings), the prometheus-operator's (kube-prometheus-stack's) and cert-manager's, from their Go modules.
        crds = execFileSync("bash", [path.join(ROOT, "scripts", "e2e", "crds.sh")], { encoding: "utf8" }).trim();
        const applied = k.run(["apply", "--server-side", FIELD_MANAGER, ...["gateway-api", "prometheus-operator", "cert-manager"].flatMap((d) => ["-f", path.join(crds, d)])]);
        expect(applied.ok, applied.stderr).toBe(true);
        expect(k.run(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]).ok).toBe(true);
        [gatewayApi.after, gatewayApi.preflightAfter] = ask();
    }, 900_000);

    it("the Gateway API check: a bare API server serves none (the driver's preflight says so), one with the CRDs does", () => {
        expect(gatewayApi.before).toBe(false);
        expect(gatewayApi.preflightBefore).toContain("serves no Gateway API (gateway.networking.k8s.io/v1");
        expect(gatewayApi.preflightBefore).toContain("pulumi config set routing ingress");
        expect(gatewayApi.after).toBe(true);
        expect(gatewayApi.preflightAfter).toBeUndefined();
    });

    afterAll(() => {
        if (process.env.TICKETBUSTER_E2E_KEEP !== "1") clusterDown();
    });

    describe.each(APP_NAMES)("%s", (appName) => {
        const app = APPS[appName];
        const ns = app.name;
        const appPods = `app.kubernetes.io/part-of=${app.name},app.kubernetes.io/component!=seed`;
        let manifests: string;
        let ingressManifests: string;

        beforeAll(async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tb-manifests-${appName}-`));
            manifests = path.join(dir, "gateway");
            ingressManifests = path.join(dir, "ingress");
            // The local target's default TLS (the overlay turns it off for the real-engine test, which cannot fetch cert-manager's chart).
            const config = { ...e2eOverlay(), tls: TLS };
            await renderManifests({ stack: "dev", app: appName, outDir: manifests, config });
            await renderManifests({ stack: "dev", app: appName, outDir: ingressManifests, config: { ...config, routing: "ingress" } });
        }, 600_000);

        it("the API server accepts every object (schemas, CRDs, restricted Pod Security admission)", () => {
            const files = fs.readdirSync(manifests);
            const applied = k.run(["apply", "--server-side", FIELD_MANAGER, "-f", manifests]);
            expect(applied.stderr).toBe("");
            expect(applied.ok).toBe(true);
            expect(applied.stdout.trim().split("\n")).toHaveLength(files.length);
        });

        it("rolls out every workload to Ready pods; every Service has ready endpoints", async () => {
            for (const workload of k.run(["get", "deployments,statefulsets", "-n", ns, "-o", "name"]).stdout.trim().split("\n")) {
                const r = await k.runAsync(["rollout", "status", "-n", ns, workload, "--timeout=300s"]);
                expect(r.ok, `${workload}: ${r.stderr}`).toBe(true);
            }
            // Autoscaled tiers start at one pod; the HPA raises them to its floor.
            await waitFor(`${expectedPods(appName)} ready pods`, () => k.items(["get", "pods", "-n", ns, "-l", appPods]).filter(isReady).length === expectedPods(appName));
            for (const tier of app.tiers.filter((t) => clientPorts(t).length > 0)) {
                const service = tier.serviceName ?? tier.name;
                const slices = k.items(["get", "endpointslices", "-n", ns, "-l", `kubernetes.io/service-name=${service}`]);
                const ready = slices.flatMap((s: any) => s.endpoints ?? []).filter((e: any) => e.conditions?.ready);
                expect(ready.length, `ready endpoints of ${service}`).toBeGreaterThan(0);
            }
        });

        it("binds every data store's claim at its size", () => {
            const claims = Object.fromEntries(
                k.items(["get", "pvc", "-n", ns]).map((c: any) => [c.metadata.name, [c.status.phase, c.status.capacity?.storage]]),
            );
            const expected = Object.fromEntries(app.tiers.filter(isStore).map((t) => [t.storage.claimName, ["Bound", t.storage.size]]));
            // And the local target's backups volume (backup.size, default 10Gi).
            expect(claims).toEqual({ ...expected, [BACKUP_CLAIM]: ["Bound", "10Gi"] });
        });

        it("completes the seed Job (if any) and keeps the HPAs, Secrets and PodDisruptionBudgets", async () => {
            for (const job of k.items(["get", "jobs", "-n", ns])) {
                expect((await k.runAsync(["wait", "--for=condition=complete", "-n", ns, `job/${job.metadata.name}`, "--timeout=300s"])).ok).toBe(true);
            }
            expect(k.items(["get", "jobs", "-n", ns]).length).toBe(app.seed ? 1 : 0);
            const hpas = Object.fromEntries(k.items(["get", "hpa", "-n", ns]).map((h: any) => [h.metadata.name, [h.spec.minReplicas, h.spec.maxReplicas]]));
            const autoscaled = app.tiers.filter(isStateless).filter((t) => t.autoscaling);
            expect(hpas).toEqual(Object.fromEntries(autoscaled.map((t) => [t.name, [t.autoscaling!.minReplicas, t.autoscaling!.maxReplicas]])));
            for (const store of app.tiers.filter(isStore)) {
                if (!store.credentials) continue;
                const keys = Object.keys(k.json(["get", "secret", store.credentials.secretName, "-n", ns]).data).sort();
                expect(keys, store.credentials.secretName).toEqual(store.uriEnv ? ["password", "uri", "username"] : ["password", "username"]);
            }
            const pdbs = k.items(["get", "pdb", "-n", ns]).map((p: any) => p.metadata.name).sort();
            const multi = app.tiers.filter(isStateless).filter((t) => Math.max(t.replicas, t.autoscaling?.minReplicas ?? 0) >= 2);
            expect(pdbs).toEqual(multi.map((t) => t.name).sort());
        });

        it("accepts a backup CronJob per backed-up store; a Job from each (npm run backup's way) and a restore Job complete", async () => {
            const stores = backedUpStores(app.tiers);
            const crons = k.items(["get", "cronjobs", "-n", ns]);
            expect(crons.map((c: any) => c.metadata.name).sort()).toEqual(stores.map((t) => backupApp(t.name)).sort());
            for (const c of crons) expect(c.spec).toMatchObject({ schedule: "0 2 * * *", concurrencyPolicy: "Forbid", suspend: false });
            const driver = new Kubectl(["--kubeconfig", kubeconfig]);
            const lines: string[] = [];
            for (const tier of stores) {
                const job = `${backupApp(tier.name)}-e2e`;
                const created = k.run(["-n", ns, "create", "job", job, `--from=cronjob/${backupApp(tier.name)}`]);
                expect(created.ok, created.stderr).toBe(true);
                expect(await followJob(driver, ns, job, ["dump", "upload"], (l) => lines.push(l), 300_000), job).toBe("Complete");
            }
            // The restore Job of `npm run restore`, for the first store: admitted (restricted Pod Security) and run.
            const [first] = stores;
            const target = { kind: "pvc" as const, claim: BACKUP_CLAIM };
            const restore = restoreJob({ tier: first, target, destination: destinationOf(target), backup: "latest", namespace: ns, name: `${first.name}-restore-e2e`, app: app.name });
            const created = k.run(["create", "-f", "-"], JSON.stringify(restore));
            expect(created.ok, created.stderr).toBe(true);
            expect(await followJob(driver, ns, restore.metadata.name, ["download", "restore"], (l) => lines.push(l), 300_000)).toBe("Complete");
            expect(lines.some((l) => l.startsWith("pod "))).toBe(true);
            for (const job of k.items(["get", "jobs", "-n", ns, "-l", "app.kubernetes.io/component=backup"])) {
                expect((await k.runAsync(["-n", ns, "delete", "job", job.metadata.name, "--wait=true"])).ok).toBe(true);
            }
        });

        it.runIf(app.routes)("accepts the routes as a Gateway and HTTPRoute, and as an Ingress", () => {
            const route = k.json(["get", "httproute", app.name, "-n", ns]);
            expect(route.spec.hostnames).toEqual([app.routes!.host]);
            expect(route.spec.rules.map((r: any) => r.matches[0].path.value)).toEqual(app.routes!.paths.map((p) => p.path));
            expect(k.json(["get", "gateway", app.name, "-n", ns]).spec.gatewayClassName).toBe("traefik");
            const ingressFile = fs.readdirSync(ingressManifests).find((f) => f.includes("-ingress-"));
            expect(ingressFile).toBeDefined();
            const applied = k.run(["apply", "--server-side", FIELD_MANAGER, "-f", path.join(ingressManifests, ingressFile!)]);
            expect(applied.ok, applied.stderr).toBe(true);
            const ingress = k.json(["get", "ingress", app.name, "-n", ns]);
            expect(ingress.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(app.routes!.paths.map((p) => p.path));
            expect(ingress.spec.tls).toEqual([{ hosts: [app.routes!.host], secretName: `${app.name}-tls` }]);
        });

        it("accepts the cluster's ClusterIssuers and CA, the host's Certificate, the HTTPS listener and the redirect route", () => {
            const issuers = k.items(["get", "clusterissuers"]).map((i: any) => i.metadata.name).sort();
            expect(issuers).toEqual(["ticketbuster-local-ca", "ticketbuster-selfsigned"]);
            expect(k.json(["get", "certificate", "ticketbuster-local-ca", "-n", "cert-manager"]).spec.isCA).toBe(true);
            if (!app.routes) {
                expect(k.items(["get", "certificates", "-n", ns])).toEqual([]);
                return;
            }
            const certificate = k.json(["get", "certificate", app.name, "-n", ns]);
            expect(certificate.spec.dnsNames).toEqual([app.routes.host]);
            expect(certificate.spec.issuerRef).toEqual({ group: "cert-manager.io", kind: "ClusterIssuer", name: "ticketbuster-local-ca" });
            const https = k.json(["get", "gateway", app.name, "-n", ns]).spec.listeners.find((l: any) => l.name === "https");
            expect(https).toMatchObject({ protocol: "HTTPS", port: 8443, tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: certificate.spec.secretName }] } });
            const redirect = k.json(["get", "httproute", `${app.name}-redirect`, "-n", ns]);
            expect(redirect.spec.parentRefs).toEqual([expect.objectContaining({ name: app.name, sectionName: "http" })]);
            expect(redirect.spec.rules[0].filters).toEqual([{ type: "RequestRedirect", requestRedirect: { scheme: "https", port: 443, statusCode: 301 } }]);
            expect(k.json(["get", "httproute", app.name, "-n", ns]).spec.parentRefs).toEqual([expect.objectContaining({ name: app.name, sectionName: "https" })]);
        });

        it("enforces the restricted Pod Security Standard in the namespace", () => {
            const rogue = JSON.stringify({
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "rogue", namespace: ns },
                spec: { containers: [{ name: "c", image: "busybox:1.36", securityContext: { privileged: true } }] },
            });
            const r = k.run(["create", "-f", "-"], rogue);
            expect(r.ok).toBe(false);
            expect(r.stderr).toMatch(/violates PodSecurity "restricted/);
        });

        it("re-applying the same objects changes nothing (kubectl diff is empty)", () => {
            const diff = k.run(["diff", "--server-side", FIELD_MANAGER, "-f", manifests]);
            expect(diff.stdout).toBe("");
            expect(diff.ok).toBe(true);
        });

        it("deleting the namespace leaves no object of the app", async () => {
            expect((await k.runAsync(["delete", "namespace", ns, "--wait=true", "--timeout=300s"])).ok).toBe(true);
            expect(k.run(["get", "namespace", ns]).ok).toBe(false);
            const kinds = "all,pvc,secrets,configmaps,networkpolicies,serviceaccounts,hpa,pdb,ingresses,gateways,httproutes,certificates";
            const left = k.run(["get", kinds, "-A", "-l", `app.kubernetes.io/part-of=${app.name}`, "-o", "name"]);
            expect(left.ok).toBe(true);
            expect(left.stdout.trim()).toBe("");
            // The volumes are Retain (static PVs): make them Available for the next app.
            e2eScript("cluster.sh", "recycle-pvs");
        });
    });
    describe("a release: canaries next to their stable tiers, a weighted HTTPRoute with a header match", () => {
        const app = APPS["flores-victoria"];
        const ns = app.name;
        // A routed tier (api-gateway, HPA floor 2) at 20% and an internal one (auth-service, 1 pod) at 50%.
        const releases = { "api-gateway": { imageTag: "1.1.0", weight: 20 }, "auth-service": { imageTag: "1.1.0", weight: 50 } };
        let dir: string;
        const readyEndpoints = (service: string): string[] =>
            k
                .items(["get", "endpointslices", "-n", ns, "-l", `kubernetes.io/service-name=${service}`])
                .flatMap((s: any) => s.endpoints ?? [])
                .filter((e: any) => e.conditions?.ready)
                .map((e: any) => e.targetRef.name)
                .sort();
        const podsOf = (selector: string): string[] => k.items(["get", "pods", "-n", ns, "-l", selector]).filter(isReady).map((p: any) => p.metadata.name).sort();

        beforeAll(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "tb-manifests-release-"));
            // With monitoring: the canary's ServiceMonitor and the stable one's relabeling, against the operator's CRD.
            const addons = JSON.stringify({ metricsServer: false, gateway: false, monitoring: true });
            await renderManifests({ stack: "dev", app: app.name, outDir: dir, config: { ...e2eOverlay(), addons, releases: JSON.stringify(releases) } });
        }, 600_000);

        it("the API server accepts the canary objects and the HTTPRoute with weighted backendRefs and a header match", () => {
            const applied = k.run(["apply", "--server-side", FIELD_MANAGER, "-f", dir]);
            expect(applied.stderr).toBe("");
            expect(applied.ok).toBe(true);
            const rules = k.json(["get", "httproute", app.name, "-n", ns]).spec.rules;
            const api = rules.filter((r: any) => r.matches[0].path.value === "/api");
            expect(api.map((r: any) => r.backendRefs.map((b: any) => [b.name, b.weight]))).toEqual([
                [["api-gateway-stable", 80], ["api-gateway-canary", 20]],
                [["api-gateway-canary", 1]], // a single backend's weight defaults to 1
            ]);
            expect(api[1].matches[0].headers).toEqual([{ type: "Exact", name: "x-canary", value: "always" }]);
            const monitors = Object.fromEntries(k.items(["get", "servicemonitors", "-n", ns]).map((m: any) => [m.metadata.name, m.spec]));
            expect(monitors["api-gateway-canary"].selector.matchLabels).toEqual({ app: "api-gateway-canary" });
            expect(monitors["api-gateway"].endpoints[0].relabelings).toEqual([{ sourceLabels: ["__meta_kubernetes_pod_label_track"], regex: "canary", action: "drop" }]);
            expect(Object.keys(monitors).filter((n) => n.endsWith("-canary")).sort()).toEqual(["api-gateway-canary", "auth-service-canary"]);
        });

        it("rolls out each canary Deployment to Ready next to its stable one, which keeps its own pod count", async () => {
            for (const d of ["api-gateway", "api-gateway-canary", "auth-service", "auth-service-canary"]) {
                const r = await k.runAsync(["rollout", "status", "-n", ns, `deployment/${d}`, "--timeout=300s"]);
                expect(r.ok, `${d}: ${r.stderr}`).toBe(true);
            }
            // The stable Deployment's selector (app) also matches the canary's pods: it must neither adopt nor count them.
            await waitFor("api-gateway at its HPA floor", () => k.json(["get", "deployment", "api-gateway", "-n", ns]).status.readyReplicas === 2);
            const status = (d: string) => {
                const s = k.json(["get", "deployment", d, "-n", ns]).status;
                return [s.replicas, s.readyReplicas];
            };
            expect(status("api-gateway")).toEqual([2, 2]);
            expect(status("api-gateway-canary")).toEqual([1, 1]);
            expect(status("auth-service")).toEqual([1, 1]);
            expect(status("auth-service-canary")).toEqual([1, 1]);
            const canaryPod = k.items(["get", "pods", "-n", ns, "-l", "app=api-gateway,track=canary"])[0];
            expect(canaryPod.spec.containers[0].image).toBe("ticketbuster/flores-victoria-api-gateway:1.1.0");
            expect(canaryPod.metadata.ownerReferences[0].name).toMatch(/^api-gateway-canary-/);
        });

        it("routes each Service to the right pods: <tier>-stable the stable ones, <tier>-canary the canary's, the tier's own both", async () => {
            const stable = podsOf("app=api-gateway,app.kubernetes.io/component=service");
            const canary = podsOf("app=api-gateway,track=canary");
            expect([stable.length, canary.length]).toEqual([2, 1]);
            await waitFor("endpoints of the release's Services", () => readyEndpoints("api-gateway-canary").length === 1 && readyEndpoints("api-gateway-stable").length === 2);
            expect(readyEndpoints("api-gateway-stable")).toEqual(stable);
            expect(readyEndpoints("api-gateway-canary")).toEqual(canary);
            expect(readyEndpoints("api-gateway")).toEqual([...stable, ...canary].sort());
            // The internal tier: its Service shares the pods 1:1 at weight 50.
            await waitFor("auth-service endpoints", () => readyEndpoints("auth-service").length === 2);
            expect(readyEndpoints("auth-service")).toEqual(podsOf("app=auth-service"));
            expect(readyEndpoints("auth-service-canary")).toEqual(podsOf("app=auth-service,track=canary"));
        });

        it("counts the canary's pods in the tier's PodDisruptionBudget (one PDB per pod, evictions stay possible)", async () => {
            await waitFor("the PDB to see 3 pods", () => k.json(["get", "pdb", "api-gateway", "-n", ns]).status?.expectedPods === 3);
            const pdb = k.json(["get", "pdb", "api-gateway", "-n", ns]).status;
            expect([pdb.expectedPods, pdb.currentHealthy, pdb.disruptionsAllowed]).toEqual([3, 3, 1]);
            expect(k.items(["get", "pdb", "-n", ns]).map((p: any) => p.metadata.name).filter((n: string) => n.includes("canary"))).toEqual([]);
        });

        it("deleting the namespaces leaves nothing", async () => {
            for (const namespace of [ns, "monitoring"]) {
                expect((await k.runAsync(["delete", "namespace", namespace, "--wait=true", "--timeout=300s"])).ok).toBe(true);
            }
            const left = k.run(["get", "all,pvc,networkpolicies,httproutes,servicemonitors", "-A", "-l", `app.kubernetes.io/part-of=${app.name}`, "-o", "name"]);
            expect(left.stdout.trim()).toBe("");
            e2eScript("cluster.sh", "recycle-pvs");
        });
    });

    describe("one cluster, many apps: a local platform stack and two app stacks on it", () => {
        const PLATFORM = "platform-local";
        const APP_STACKS = { "ticketbuster-local": APPS.ticketbuster, "bookstore-local": APPS.bookstore };
        const dirs: Record<string, string> = {};
        /** The e2e overlay as an app stack takes it: the add-ons are the platform's (an app stack refuses addons.gateway false). */
        const appOverlay = () => {
            const { addons: _, ...rest } = e2eOverlay();
            return rest;
        };
        const managers = (o: any): string[] => (o.metadata.managedFields ?? []).filter((f: any) => f.operation === "Apply").map((f: any) => f.manager);

        beforeAll(async () => {
            const base = fs.mkdtempSync(path.join(os.tmpdir(), "tb-manifests-stacks-"));
            // The platform as examples/local/Pulumi.platform-local.yaml says (its charts are rendered by Pulumi at
            // deploy time, not here): Traefik's and monitoring's namespaces, Grafana's Secret, the PriorityClasses.
            dirs[PLATFORM] = path.join(base, PLATFORM);
            await renderManifests({ stack: PLATFORM, outDir: dirs[PLATFORM] });
            for (const stack of Object.keys(APP_STACKS)) {
                dirs[stack] = path.join(base, stack);
                await renderManifests({ stack, outDir: dirs[stack], config: appOverlay() });
            }
            // The earlier cases' all-in-one stacks applied the same cluster-wide objects (PriorityClasses, ClusterIssuers) under
            // their own field manager: the platform starts on a cluster where nothing of it exists yet.
            await k.runAsync(["delete", "-f", dirs[PLATFORM], "--ignore-not-found", "--wait=true", "--timeout=300s"]);
        }, 600_000);

        it("applies the platform once and each app stack under its own field manager: no object has two owners", () => {
            for (const stack of [PLATFORM, ...Object.keys(APP_STACKS)]) {
                const applied = k.run(["apply", "--server-side", `--field-manager=${stack}`, "-f", dirs[stack]]);
                expect(applied.stderr, stack).toBe("");
                expect(applied.ok, stack).toBe(true);
            }
            const platformObjects = fs.readdirSync(dirs[PLATFORM]).length;
            expect(platformObjects).toBeGreaterThanOrEqual(5);
            for (const stack of [PLATFORM, ...Object.keys(APP_STACKS)]) {
                const objects = k.json(["get", "-f", dirs[stack], "--show-managed-fields"]);
                for (const o of objects.items ?? [objects]) {
                    expect(managers(o), `${o.kind}/${o.metadata.name}`).toEqual([stack]);
                }
            }
        });

        /** The tiers' pods and, the platform running monitoring, the exporters the app stack adds beside its stores. */
        const podsOf = (stack: string, appName: string) => expectedPods(appName) + fs.readdirSync(dirs[stack]).filter((f) => /-deployment-.*-exporter\.yaml$/.test(f)).length;

        it("runs both apps, each in its namespace, every pod Ready", async () => {
            for (const [stack, app] of Object.entries(APP_STACKS)) {
                const selector = `app.kubernetes.io/part-of=${app.name},app.kubernetes.io/component!=seed`;
                await waitFor(`${podsOf(stack, app.name)} ready pods of ${app.name}`, () => k.items(["get", "pods", "-n", app.name, "-l", selector]).filter(isReady).length === podsOf(stack, app.name));
            }
        });

        it("deleting one app stack's objects leaves the other app and the platform untouched", async () => {
            const before = (stack: string) => k.run(["get", "-f", dirs[stack], "-o", "jsonpath={range .items[*]}{.metadata.uid}{\"\\n\"}{end}"]).stdout;
            const [platformBefore, ticketbusterBefore] = [before(PLATFORM), before("ticketbuster-local")];
            expect((await k.runAsync(["delete", "-f", dirs["bookstore-local"], "--wait=true", "--timeout=300s"])).ok).toBe(true);
            expect(k.run(["get", "namespace", "bookstore"]).ok).toBe(false);
            expect(before(PLATFORM)).toBe(platformBefore);
            expect(before("ticketbuster-local")).toBe(ticketbusterBefore);
            const selector = "app.kubernetes.io/part-of=ticketbuster,app.kubernetes.io/component!=seed";
            expect(k.items(["get", "pods", "-n", "ticketbuster", "-l", selector]).filter(isReady).length).toBe(podsOf("ticketbuster-local", "ticketbuster"));
        });

        afterAll(async () => {
            for (const stack of ["ticketbuster-local", PLATFORM]) await k.runAsync(["delete", "-f", dirs[stack], "--ignore-not-found", "--wait=true", "--timeout=300s"]);
            e2eScript("cluster.sh", "recycle-pvs");
        }, 600_000);
    });

    describe("the add-ons' own objects (monitoring and the Cloudflare tunnel; the charts need a download)", () => {
        const app = APPS.bookstore;
        const ns = app.name;
        let dir: string;

        beforeAll(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "tb-manifests-addons-"));
            await renderManifests({
                stack: "dev",
                app: app.name,
                outDir: dir,
                config: { ...e2eOverlay(), addons: JSON.stringify({ metricsServer: false, gateway: false, monitoring: true }) },
                secrets: { cloudflareTunnelToken: "e2e-tunnel-token-not-real" },
            });
        }, 600_000);

        it("the API server accepts the ServiceMonitors, PodMonitor, PrometheusRule, dashboard and tunnel", () => {
            const applied = k.run(["apply", "--server-side", FIELD_MANAGER, "-f", dir]);
            expect(applied.stderr).toBe("");
            expect(applied.ok).toBe(true);
            const monitors = k.items(["get", "servicemonitors", "-n", ns]).map((m: any) => m.metadata.name).sort();
            // One per tier that declares metrics, and the PostgreSQL exporter's own.
            const expected = [...app.tiers.filter(isStateless).filter((t) => t.metrics).map((t) => t.name), "postgres-exporter"];
            expect(monitors).toEqual(expected.sort());
            expect(k.items(["get", "podmonitors", "-n", ns]).length).toBeGreaterThan(0);
            const rules = k.items(["get", "prometheusrules", "-n", ns]);
            expect(rules.flatMap((r: any) => r.spec.groups.flatMap((g: any) => g.rules)).length).toBeGreaterThanOrEqual(5);
            expect(k.items(["get", "configmaps", "-n", "monitoring", "-l", "grafana_dashboard"]).length).toBe(1);
        });

        it("rolls out cloudflared (2 Ready pods) and the postgres exporter", async () => {
            for (const name of ["cloudflared", "postgres-exporter"]) {
                const r = await k.runAsync(["rollout", "status", "-n", ns, `deployment/${name}`, "--timeout=300s"]);
                expect(r.ok, `${name}: ${r.stderr}`).toBe(true);
            }
            expect(k.json(["get", "deployment", "cloudflared", "-n", ns]).status.readyReplicas).toBe(2);
        });

        it("deleting both namespaces leaves nothing", async () => {
            for (const namespace of [ns, "monitoring"]) {
                expect((await k.runAsync(["delete", "namespace", namespace, "--wait=true", "--timeout=300s"])).ok).toBe(true);
            }
            const left = k.run(["get", "all,servicemonitors,podmonitors,prometheusrules", "-A", "-l", `app.kubernetes.io/part-of=${ns}`, "-o", "name"]);
            expect(left.stdout.trim()).toBe("");
            e2eScript("cluster.sh", "recycle-pvs");
        });
    });

    describe("the logging add-on's own objects on every app (Loki's and Fluent Bit's charts need a download)", () => {
        /** What the logging add-on creates besides its charts: its namespaces, policies, rules and Grafana's datasource (with monitoring's namespace). */
        const own = (o: any) =>
            ["loki", "fluent-bit"].includes(o.metadata.namespace) ||
            (o.kind === "Namespace" && ["loki", "fluent-bit", "monitoring"].includes(o.metadata.name)) ||
            (o.kind === "ConfigMap" && o.metadata.name === "loki-datasource");
        const dirs: Record<string, string> = {};

        beforeAll(async () => {
            const base = fs.mkdtempSync(path.join(os.tmpdir(), "tb-manifests-logging-"));
            for (const appName of APP_NAMES) {
                const rendered = await renderObjects({
                    stack: "dev",
                    app: appName,
                    config: { ...e2eOverlay(), addons: JSON.stringify({ metricsServer: false, gateway: false, monitoring: true, logging: true }) },
                });
                dirs[appName] = path.join(base, appName);
                fs.mkdirSync(dirs[appName]);
                rendered.objects.filter(own).forEach((o, i) => fs.writeFileSync(path.join(dirs[appName], `${String(i).padStart(3, "0")}-${o.kind}-${o.metadata.name}.yaml`.toLowerCase()), stringify(o)));
            }
        }, 600_000);

        it.each(APP_NAMES)("the API server accepts them with %s: namespaces, policies, its rules and the datasource", (appName) => {
            const applied = k.run(["apply", "--server-side", FIELD_MANAGER, "-f", dirs[appName]]);
            expect(applied.stderr).toBe("");
            expect(applied.ok).toBe(true);
            expect(applied.stdout.trim().split("\n")).toHaveLength(fs.readdirSync(dirs[appName]).length);
            const ns = APPS[appName].name;
            const rules = k.json(["get", "configmap", `log-alerts-${ns}`, "-n", "loki"]);
            expect(rules.metadata.labels.loki_rule).toBe("1");
            expect(parse(rules.data[`${ns}.yaml`]).groups[0].rules.map((r: any) => r.alert)).toEqual(["TierLoggingErrors", "CrashLoopSignature"]);
            expect(k.json(["get", "configmap", "loki-datasource", "-n", "monitoring"]).metadata.labels.grafana_datasource).toBe("1");
            expect(k.items(["get", "networkpolicies", "-n", "loki"]).map((p: any) => p.metadata.name).sort()).toEqual([
                "allow-dns",
                "allow-from-loki",
                "allow-to-loki",
                "default-deny-egress",
                "default-deny-ingress",
            ]);
            expect(k.items(["get", "networkpolicies", "-n", "fluent-bit"]).map((p: any) => p.metadata.name).sort()).toEqual([
                "allow-dns",
                "allow-from-fluent-bit",
                "default-deny-egress",
                "default-deny-ingress",
            ]);
            const diff = k.run(["diff", "--server-side", FIELD_MANAGER, "-f", dirs[appName]]);
            expect(diff.stdout).toBe("");
        });

        it("keeps every app's rules side by side in Loki's namespace", () => {
            const names = k.items(["get", "configmaps", "-n", "loki", "-l", "loki_rule=1"]).map((c: any) => c.metadata.name).sort();
            expect(names).toEqual(APP_NAMES.map((a) => `log-alerts-${APPS[a].name}`).sort());
        });

        it("admits a log collector's hostPath pod in Fluent Bit's namespace only: Loki's stays restricted", () => {
            const collector = (namespace: string) =>
                JSON.stringify({
                    apiVersion: "v1",
                    kind: "Pod",
                    metadata: { name: "collector", namespace },
                    spec: {
                        containers: [{ name: "c", image: "busybox:1.36", volumeMounts: [{ name: "varlog", mountPath: "/var/log", readOnly: true }] }],
                        volumes: [{ name: "varlog", hostPath: { path: "/var/log" } }],
                    },
                });
            const inFluentBit = k.run(["create", "--dry-run=server", "-f", "-"], collector("fluent-bit"));
            expect(inFluentBit.ok, inFluentBit.stderr).toBe(true);
            const inLoki = k.run(["create", "--dry-run=server", "-f", "-"], collector("loki"));
            expect(inLoki.ok).toBe(false);
            expect(inLoki.stderr).toMatch(/violates PodSecurity "restricted:latest".*hostPath/s);
        });

        it("deleting its namespaces (and monitoring's) leaves nothing", async () => {
            for (const namespace of ["loki", "fluent-bit", "monitoring"]) {
                expect((await k.runAsync(["delete", "namespace", namespace, "--wait=true", "--timeout=300s"])).ok).toBe(true);
            }
            expect(k.run(["get", "configmaps,networkpolicies", "-A", "-l", "loki_rule=1", "-o", "name"]).stdout.trim()).toBe("");
        });
    });
});
