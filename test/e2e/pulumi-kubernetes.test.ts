/**
 * Runs where the pulumi-resource-kubernetes plugin is in the toolchain dir (CI machines have none: it
 * skips there; ../shared/tools/build-k8s-provider.sh builds it from the provider's source).
 *
 * End to end: the real Pulumi engine, Node language host and Kubernetes provider (built from Go
 * modules by scripts/e2e/toolchain.sh) against a real kube-apiserver with kwok nodes
 * (scripts/e2e/cluster.sh), driven through the same Automation API module as `npm run deploy`.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { APP_NAMES, APPS } from "../../apps";
import { ticketbuster } from "../../apps/ticketbuster";
import { backedUpStores } from "../../apps/stores";
import { isStore } from "../../apps/wiring";
import { BACKUP_CLAIM } from "../../components/backups";
import { changedCount, DriverOptions, openStack, runStack } from "../../scripts/driver";
import { KubeChecker, kubectlWith } from "../../scripts/release/kube-checker";
import { automationReleaseStack, inspectRelease } from "../../scripts/release/stack";
import { CanaryObservation, runRelease } from "../../scripts/release/stepper";
import {
    CLUSTER_TOOLS,
    clusterDown,
    clusterUp,
    E2E_STACK as STACK,
    e2eOverlay,
    e2eScript,
    ENGINE_TOOLS,
    hasTools,
    killEngine,
    PROVIDER_TOOLS,
    removeStackFile,
    ROOT,
    useCluster,
    useToolchain,
    writeStackFile as writeStack,
} from "../../scripts/e2e/session";
import { expectedPods, gibibytes, isReady, kubectl } from "./kube";
import { stateMeaning } from "./state-meaning";

const NS = "ticketbuster";
const APP_SELECTOR = "app.kubernetes.io/part-of=ticketbuster,app.kubernetes.io/component!=seed";
const TOOLS = [...ENGINE_TOOLS, ...PROVIDER_TOOLS, ...CLUSTER_TOOLS];
// Runs only where pulumi-resource-kubernetes could be built or was supplied
// (PULUMI_KUBERNETES_PROVIDER_BINARY); the module proxy of this workplace refuses its module.
const skip = process.env.TICKETBUSTER_SKIP_E2E === "1" || !hasTools(TOOLS);
useCluster("e2e-engine");

let cluster: { kubeconfig: string; context: string };
let k: ReturnType<typeof kubectl>;
let backendDir: string;
const log: string[] = [];

/** Runs the driver against the e2e stack, recording the engine's output and step events. */
async function drive(action: DriverOptions["action"], extra: Partial<DriverOptions> = {}) {
    const steps: { op: string; urn: string }[] = [];
    const result = await runStack({
        stack: STACK,
        action,
        backendUrl: `file://${backendDir}`,
        onOutput: (s) => log.push(s),
        onEvent: (e: EngineEvent) => {
            const meta = e.resourcePreEvent?.metadata;
            if (meta && meta.op !== "same" && !meta.urn.includes("pulumi:pulumi:Stack")) steps.push({ op: meta.op, urn: meta.urn });
        },
        ...extra,
    });
    return { ...result, steps };
}

const writeStackFile = (extra: Record<string, string> = {}) => writeStack(cluster, extra);

function stateFile(): string {
    const found = execFileSync("find", [backendDir, "-name", `${STACK}.json`, "-path", "*stacks*"], { encoding: "utf8" }).trim().split("\n")[0];
    if (!found) throw new Error(`no state file for ${STACK} under ${backendDir}`);
    return found;
}

/** `pulumi stack export --show-secrets` of the e2e stack (the Automation API decrypts). */
async function exportDeployment(): Promise<Record<string, unknown>> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.selectStack({ stackName: STACK, workDir: ROOT }, { envVars: { PULUMI_BACKEND_URL: `file://${backendDir}` } });
    return (await stack.exportStack()).deployment as Record<string, unknown>;
}

/** Each claim of the app, the volume bound to it and that volume's identity. */
function claimsAndVolumes(): Record<string, unknown> {
    return Object.fromEntries(
        k.items(["get", "pvc", "-n", NS]).map((c: any) => {
            const pv = k.json(["get", "pv", c.spec.volumeName]);
            return [c.metadata.name, { uid: c.metadata.uid, phase: c.status.phase, volume: c.spec.volumeName, volumeUid: pv.metadata.uid, claimRef: pv.spec.claimRef?.uid }];
        }),
    );
}

/** `pulumi state unprotect --all` through the Automation API (export, clear the flags, import). */
async function unprotectAll(): Promise<string[]> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.selectStack({ stackName: STACK, workDir: ROOT }, { envVars: { PULUMI_BACKEND_URL: `file://${backendDir}` } });
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources: { urn: string; protect?: boolean }[] }).resources;
    const protectedUrns = resources.filter((r) => r.protect).map((r) => r.urn);
    for (const r of resources) delete r.protect;
    await stack.importStack(state);
    return protectedUrns;
}

/** Secrets the driver cannot generate (a Stripe key), set encrypted in the e2e stack's config. */
async function setSecrets(values: Record<string, string>): Promise<void> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: ROOT }, { envVars: { PULUMI_BACKEND_URL: `file://${backendDir}` } });
    for (const [key, value] of Object.entries(values)) await stack.setConfig(`ticketbuster:${key}`, { value, secret: true });
}

function appPods() {
    return k.items(["get", "pods", "-n", NS, "-l", APP_SELECTOR]);
}

async function waitFor<T>(what: string, check: () => T | undefined | false, seconds = 120): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const value = check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}

/** SIGKILL a process and all its descendants (the CLI, its language host and provider plugins). */
describe.skipIf(skip)("e2e: pulumi up/destroy against a real API server", { timeout: 900_000 }, () => {
    beforeAll(() => {
        ({ backendDir } = useToolchain(TOOLS));
        // Static PVs for the largest app alone (Ticketing: six 1Gi claims and its backups volume) and for
        // TicketBuster and Bookstore side by side (two 20Gi, three 10Gi, two 5Gi).
        process.env.E2E_STATIC_PVS = "20Gi 20Gi 10Gi 10Gi 10Gi 10Gi 5Gi 5Gi 5Gi 2Gi 1Gi 1Gi 1Gi 1Gi 1Gi 1Gi";
        cluster = clusterUp();
        k = kubectl(cluster.kubeconfig);
        // What a cluster's controllers would bring (the kwok test does the same): the Gateway API and the
        // prometheus-operator CRDs, pinned, from their Go modules.
        const crds = execFileSync("bash", [path.join(ROOT, "scripts", "e2e", "crds.sh")], { encoding: "utf8" }).trim();
        const applied = k.run(["apply", "--server-side", "-f", path.join(crds, "gateway-api"), "-f", path.join(crds, "prometheus-operator")]);
        if (!applied.ok) throw new Error(applied.stderr);
        removeStackFile();
        writeStackFile();
    }, 900_000);

    afterAll(() => {
        if (process.env.TICKETBUSTER_E2E_KEEP !== "1") {
            clusterDown();
            removeStackFile();
        }
        const logFile = path.join(os.tmpdir(), "ticketbuster-e2e-engine.log");
        fs.writeFileSync(logFile, log.join(""));
        console.log(`engine output: ${logFile}`);
    });

    it("1. up: 11 pods Ready, endpoints, bound volumes, HPA, seed Job, secrets; no password in the state", async () => {
        const up = await drive("up");
        expect(up.steps.length).toBeGreaterThan(40);

        const pods = appPods();
        expect(pods.filter(isReady)).toHaveLength(11);
        for (const tier of ticketbuster.tiers) {
            const subsets = k.json(["get", "endpoints", tier.name, "-n", NS]).subsets ?? [];
            const addresses = subsets.flatMap((s: any) => s.addresses ?? []);
            expect(addresses.length, `endpoints of ${tier.name}`).toBeGreaterThan(0);
        }
        const claims = Object.fromEntries(
            k.items(["get", "pvc", "-n", NS]).map((c: any) => [c.metadata.name, [c.status.phase, c.spec.resources.requests.storage]]),
        );
        expect(claims).toEqual({ "postgres-pvc": ["Bound", "20Gi"], "rabbitmq-pvc": ["Bound", "5Gi"], backups: ["Bound", "10Gi"] });
        expect(k.items(["get", "cronjobs", "-n", NS]).map((c: any) => c.metadata.name).sort()).toEqual(["postgres-backup", "rabbitmq-backup"]);
        const hpa = k.json(["get", "hpa", "order-worker", "-n", NS]);
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 10]);
        const jobs = k.items(["get", "jobs", "-n", NS]);
        expect(jobs).toHaveLength(1);
        expect(jobs[0].metadata.name).toBe(up.outputs.seedJob.value);
        expect(jobs[0].status.succeeded).toBe(1);
        for (const secret of ["db-credentials", "rabbitmq-credentials"]) {
            expect(Object.keys(k.json(["get", "secret", secret, "-n", NS]).data).sort()).toEqual(["password", "username"]);
        }
        const state = fs.readFileSync(stateFile(), "utf8");
        for (const key of ["db-credentials", "rabbitmq-credentials"]) {
            const password = Buffer.from(k.json(["get", "secret", key, "-n", NS]).data.password, "base64").toString();
            expect(password.length).toBeGreaterThanOrEqual(24);
            expect(state.includes(password), `${key} password in the state file`).toBe(false);
            expect(state.includes(Buffer.from(password).toString("base64")), `${key} password (base64) in the state file`).toBe(false);
        }
    });

    it("2. a second up and a preview report zero changes", async () => {
        const again = await drive("up");
        expect(again.steps).toEqual([]);
        expect(changedCount(again.changes)).toBe(0);
        const preview = await drive("preview");
        expect(changedCount(preview.changes)).toBe(0);
    });

    it("3. changing one replica count updates exactly that Deployment", async () => {
        writeStackFile({ replicas: JSON.stringify({ "api-gateway": 3 }) });
        const up = await drive("up");
        expect(up.steps).toEqual([{ op: "update", urn: expect.stringMatching(/kubernetes:apps\/v1:Deployment::api-gateway$/) }]);
        expect(k.json(["get", "deployment", "api-gateway", "-n", NS]).status.readyReplicas).toBe(3);
        expect(appPods().filter(isReady)).toHaveLength(12);
    });

    it("4. a bad config fails before any resource is touched", async () => {
        // The refused `up` still rewrites the checkpoint (fresh ciphertext for every secret), so compare
        // what the state means: resources, inputs, outputs (decrypted export) and pending operations.
        const before = stateMeaning(await exportDeployment());
        const objects = k.run(["get", "all,pvc,secrets,configmaps,networkpolicies,serviceaccounts", "-n", NS, "-o", "name"]).stdout;
        writeStackFile({ replicas: JSON.stringify({ "api-gateway": 0 }) });
        await expect(drive("up")).rejects.toThrow(/ticketbuster:replicas\.api-gateway: got 0; allowed: an integer >= 1/);
        expect(stateMeaning(await exportDeployment())).toEqual(before);
        expect(k.run(["get", "all,pvc,secrets,configmaps,networkpolicies,serviceaccounts", "-n", NS, "-o", "name"]).stdout).toBe(objects);
        writeStackFile({ replicas: JSON.stringify({ "api-gateway": 3 }) });
    });

    it("5. an engine killed in the middle of an up converges on the next up", async () => {
        writeStackFile({ replicas: JSON.stringify({ "api-gateway": 3 }), imageTag: "1.0.1" });
        let killed = false;
        const interrupted = drive("up", {
            onEvent: (e) => {
                if (killed || e.resourcePreEvent?.metadata.op !== "update") return;
                killed = true;
                killEngine(STACK);
            },
        });
        await expect(interrupted).rejects.toThrow();
        expect(killed).toBe(true);

        const recovered = await drive("up");
        expect(recovered.summary).toMatch(/^up e2e:/);
        const images = k.items(["get", "deployments", "-n", NS]).map((d: any) => d.spec.template.spec.containers[0].image);
        expect(images).toHaveLength(5);
        for (const image of images) expect(image).toMatch(/:1\.0\.1$/);
        await waitFor("12 ready pods after recovery", () => appPods().filter(isReady).length === 12);
        const settled = await drive("up");
        expect(changedCount(settled.changes)).toBe(0);
    });

    it("6. a release steps up (canary Ready next to api-gateway) and rolls back down (canary gone, nothing left to change)", async () => {
        const location = { stack: STACK, workDir: ROOT, backendUrl: `file://${backendDir}` };
        const stack = await openStack(location, true);
        const target = await inspectRelease(stack, "api-gateway", "1.0.2", ROOT);
        expect([target.routed, target.currentTag, target.errorRatio]).toEqual([false, "1.0.1", undefined]);
        const real = new KubeChecker(kubectlWith(target.kube), { namespace: NS, tier: "api-gateway", windowSeconds: 60 });
        const seen: CanaryObservation[] = [];
        const canaryInCluster: string[] = [];
        const checker = {
            async observe(): Promise<CanaryObservation> {
                const o = await real.observe();
                seen.push(o);
                canaryInCluster.push(k.json(["get", "deployment", "api-gateway-canary", "-n", NS]).spec.template.spec.containers[0].image);
                // The pods are the cluster's; kwok runs no app, so the 5xx share is injected to force the way back down.
                return { ...o, errorRate: 0.2 };
            },
        };
        const lines: string[] = [];
        const outcome = await runRelease(
            { tier: "api-gateway", tag: "1.0.2", steps: [25], pauseSeconds: 0, intervalSeconds: 1, maxErrorRate: 0.01 },
            {
                stack: automationReleaseStack(stack, { location, tier: "api-gateway", tag: "1.0.2", onOutput: (s) => log.push(s) }),
                checker,
                log: (l) => lines.push(l),
                signal: new AbortController().signal,
            },
        );
        target.kube.cleanup();
        expect(outcome).toMatchObject({ result: "rolled-back", exitCode: 1 });
        // Step up: one canary pod (3 stable pods at 25%), Ready, with the new image.
        expect(seen[0].pods).toHaveLength(1);
        expect(seen[0].pods[0]).toMatchObject({ ready: true, restarts: 0 });
        expect(canaryInCluster[0]).toMatch(/\/api-gateway:1\.0\.2$/);
        // Back down: the canary's objects are gone, the stable tier untouched, the config as before.
        for (const kind of ["deployment", "service"]) expect(k.run(["get", kind, "api-gateway-canary", "-n", NS]).ok, kind).toBe(false);
        expect(k.json(["get", "deployment", "api-gateway", "-n", NS]).status.readyReplicas).toBe(3);
        expect((await stack.getAllConfig())["ticketbuster:releases"]).toBeUndefined();
        expect(changedCount((await drive("preview")).changes)).toBe(0);
        expect(lines).toContain("rolled back: 5xx ratio 20.0% above the limit of 1.00% (--max-error-rate)");
    });

    it("7. with protectData on, destroy refuses, says how to proceed and deletes nothing", async () => {
        writeStackFile({ replicas: JSON.stringify({ "api-gateway": 3 }), imageTag: "1.0.1", protectData: "true" });
        await drive("up");
        const before = claimsAndVolumes();
        expect(Object.keys(before).sort()).toEqual(["backups", "postgres-pvc", "rabbitmq-pvc"]);
        await expect(drive("destroy")).rejects.toThrow(
            /Refusing to destroy e2e: it holds protected data \(protectData\)[\s\S]*Nothing was deleted[\s\S]*pulumi state unprotect --all --yes --stack e2e[\s\S]*--adopt[\s\S]*pulumi config set protectData false/,
        );
        expect(claimsAndVolumes()).toEqual(before);
        expect(appPods().filter(isReady)).toHaveLength(12);
    });

    it("8. a volume kept on delete is reattached by the next up (same claim, same PV UID, so the same data)", async () => {
        const before = claimsAndVolumes();
        // What protectData protects here: the two stores' claims and the backups volume.
        expect((await unprotectAll()).map((urn) => urn.split("::").pop()).sort()).toEqual(["backups-volume", "postgres-data", "rabbitmq-data"]);
        await drive("destroy");
        // retainOnDelete: the namespace and the claims stay, bound to the same volumes; the rest is gone.
        expect(k.run(["get", "namespace", NS]).ok).toBe(true);
        expect(k.items(["get", "deployments,statefulsets,cronjobs", "-n", NS])).toEqual([]);
        expect(claimsAndVolumes()).toEqual(before);

        // --adopt: this up takes the existing namespace and claims over instead of failing on AlreadyExists.
        await drive("up", { env: { PULUMI_K8S_UPSERT_EXISTING_OBJECTS: "true" } });
        // kwok runs no containers, so the volume's identity stands for its content: the same claim
        // object, bound to the same PV (UID), whose claimRef is that claim; the stores mount it again.
        expect(claimsAndVolumes()).toEqual(before);
        await waitFor("12 ready pods on the kept volumes", () => appPods().filter(isReady).length === 12);
        const postgres = k.json(["get", "statefulset", "postgres", "-n", NS]).spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim);
        expect(postgres.persistentVolumeClaim.claimName).toBe("postgres-pvc");

        // Back to an unprotected stack, so that the next step can tear everything down.
        writeStackFile({ replicas: JSON.stringify({ "api-gateway": 3 }), imageTag: "1.0.1", protectData: "false" });
        await drive("up");
    });

    it("9. destroy leaves no object of the app in the cluster", async () => {
        await drive("destroy");
        expect(k.run(["get", "namespace", NS]).ok).toBe(false);
        const leftovers = k.run(["get", "all,pvc,secrets,configmaps,networkpolicies,serviceaccounts,hpa,pdb", "-A", "-l", "app.kubernetes.io/part-of=ticketbuster", "-o", "name"]);
        expect(leftovers.ok).toBe(true);
        expect(leftovers.stdout.trim()).toBe("");
    });

    /** The same cycle for every other app of the catalog (issue 16.6), on the same stack and cluster. */
    describe.each(APP_NAMES.filter((name) => name !== "ticketbuster"))("the cycle for %s", (appName) => {
        const app = APPS[appName];
        const ns = app.name;
        const pods = () => k.items(["get", "pods", "-n", ns, "-l", `app.kubernetes.io/part-of=${app.name},app.kubernetes.io/component!=seed`]);

        it("cold up: every pod Ready at the seed's count, every PVC Bound at its size, the seed Job complete", async () => {
            e2eScript("cluster.sh", "recycle-pvs");
            writeStackFile({ app: appName });
            await setSecrets({ stripeKey: "sk_test_0000000000000000000000000" });
            const up = await drive("up");
            expect(up.summary).toMatch(new RegExp(`^up ${STACK}: \\d+ create`));
            await waitFor(`${expectedPods(appName)} ready pods of ${appName}`, () => pods().filter(isReady).length === expectedPods(appName));
            // The claim asks for the seed's size; the static PV it binds may be larger (kwok has no provisioner).
            const claims = k.items(["get", "pvc", "-n", ns]);
            expect(Object.fromEntries(claims.map((c: any) => [c.metadata.name, [c.status.phase, c.spec.resources.requests.storage]]))).toEqual(
                Object.fromEntries([
                    ...app.tiers.filter(isStore).map((t) => [t.storage.claimName, ["Bound", t.storage.size]]),
                    // The local target's backups volume (backup.size, default 10Gi) wherever a store is backed up.
                    ...(backedUpStores(app.tiers).length > 0 ? [[BACKUP_CLAIM, ["Bound", "10Gi"]]] : []),
                ]),
            );
            for (const c of claims) expect(gibibytes(c.status.capacity.storage), c.metadata.name).toBeGreaterThanOrEqual(gibibytes(c.spec.resources.requests.storage));
            for (const job of k.items(["get", "jobs", "-n", ns])) expect(job.status.succeeded, job.metadata.name).toBe(1);
        });

        it("a second up changes nothing", async () => {
            const again = await drive("up");
            expect(again.steps).toEqual([]);
            expect(changedCount(again.changes)).toBe(0);
        });

        it("destroy leaves nothing of the app", async () => {
            await drive("destroy");
            expect(k.run(["get", "namespace", ns]).ok).toBe(false);
            const left = k.run(["get", "all,pvc,secrets,configmaps,networkpolicies,serviceaccounts,hpa,pdb", "-A", "-l", `app.kubernetes.io/part-of=${app.name}`, "-o", "name"]);
            expect(left.ok).toBe(true);
            expect(left.stdout.trim()).toBe("");
        });
    });

    /**
     * Issue 17 through the real engine: a local platform stack and two app stacks that reference it through
     * the file backend's StackReference, on one API server; destroying one app leaves the other and the platform.
     */
    describe("one cluster, many apps: a platform stack and two app stacks", () => {
        const PLATFORM = "e2e-platform";
        const APP_STACKS = { "e2e-ticketbuster": APPS.ticketbuster, "e2e-bookstore": APPS.bookstore };
        const file = (stack: string) => path.join(ROOT, `Pulumi.${stack}.yaml`);
        const on = (stack: string, action: DriverOptions["action"]) => runStack({ stack, action, backendUrl: `file://${backendDir}`, onOutput: (o) => log.push(o) });
        const uidsIn = (ns: string) => k.run(["get", "all,pvc,secrets,configmaps,networkpolicies", "-n", ns, "-o", "jsonpath={range .items[*]}{.metadata.uid}{\"\\n\"}{end}"]).stdout;
        const podsOf = (app: { name: string }) => k.items(["get", "pods", "-n", app.name, "-l", `app.kubernetes.io/part-of=${app.name},app.kubernetes.io/component!=seed`]);

        beforeAll(() => {
            e2eScript("cluster.sh", "recycle-pvs");
            // Plain HTTP as the e2e stack (cert-manager is a chart, and no chart can be fetched here).
            const { addons, storageClass, tls } = e2eOverlay();
            // The cluster's keys on the platform (no chart can be fetched here: the charted add-ons stay off; the
            // Gateway API comes from the CRDs applied above), the app's keys on each app stack.
            fs.writeFileSync(file(PLATFORM), stringify({ config: Object.fromEntries(Object.entries({ target: "local", app: "none", kubeconfig: cluster.kubeconfig, kubeContext: cluster.context, storageClass, addons: JSON.parse(addons), tls: JSON.parse(tls) }).map(([key, v]) => [`ticketbuster:${key}`, v])) }));
            for (const [stack, app] of Object.entries(APP_STACKS)) {
                fs.writeFileSync(file(stack), stringify({ config: { "ticketbuster:platform": `organization/ticketbuster/${PLATFORM}`, "ticketbuster:app": app.name, "ticketbuster:imageTag": "1.0.0", "ticketbuster:frontendServiceType": "NodePort", "ticketbuster:protectData": "false", "ticketbuster:tls": JSON.parse(tls) } }));
            }
        });
        afterAll(() => {
            for (const stack of [PLATFORM, ...Object.keys(APP_STACKS)]) fs.rmSync(file(stack), { force: true });
        });

        it("deploys the platform, then each app stack onto it: both apps Ready in their namespaces", async () => {
            await on(PLATFORM, "up");
            for (const [stack, app] of Object.entries(APP_STACKS)) {
                const up = await on(stack, "up");
                expect([up.outputs.target.value, up.outputs.app.value, up.outputs.namespace.value]).toEqual(["local", app.name, app.name]);
                await waitFor(`${expectedPods(app.name)} ready pods of ${app.name}`, () => podsOf(app).filter(isReady).length === expectedPods(app.name), 180);
            }
            for (const stack of [PLATFORM, ...Object.keys(APP_STACKS)]) expect(changedCount((await on(stack, "preview")).changes), stack).toBe(0);
        });

        it("destroying one app stack leaves the other app and the platform untouched; then the platform goes last", async () => {
            const ticketbusterBefore = uidsIn("ticketbuster");
            const classesBefore = k.run(["get", "priorityclass", "ticketbuster-data-stores", "ticketbuster-addons", "-o", "jsonpath={.items[*].metadata.uid}"]).stdout;
            await on("e2e-bookstore", "destroy");
            expect(k.run(["get", "namespace", "bookstore"]).ok).toBe(false);
            expect(uidsIn("ticketbuster")).toBe(ticketbusterBefore);
            expect(k.run(["get", "priorityclass", "ticketbuster-data-stores", "ticketbuster-addons", "-o", "jsonpath={.items[*].metadata.uid}"]).stdout).toBe(classesBefore);
            expect(podsOf(APPS.ticketbuster).filter(isReady).length).toBe(expectedPods("ticketbuster"));
            await on("e2e-ticketbuster", "destroy");
            expect((await on(PLATFORM, "destroy")).changes.delete).toBeGreaterThan(0);
            expect(k.run(["get", "namespace", "ticketbuster"]).ok).toBe(false);
        });
    });
});
