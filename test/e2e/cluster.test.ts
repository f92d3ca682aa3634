/**
 * The program's Kubernetes objects against a real API server (kube-apiserver, controller-manager and
 * scheduler 1.33, kwok nodes; scripts/e2e/cluster.sh): rendered from the real program under mocks,
 * applied with kubectl server-side apply, then read back until the same readiness Pulumi awaits.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ticketbuster } from "../../apps/ticketbuster";
import { renderManifests } from "../../scripts/render/manifests";
import { CLUSTER_TOOLS, clusterDown, clusterUp, e2eOverlay, useToolchain } from "../../scripts/e2e/session";
import { isReady, kubectl } from "./kube";

const NS = "ticketbuster";
const APP_PODS = "app.kubernetes.io/part-of=ticketbuster,app.kubernetes.io/component!=seed";
const skip = process.env.TICKETBUSTER_SKIP_E2E === "1";

let k: ReturnType<typeof kubectl>;
let manifests: string;

describe.skipIf(skip)("e2e: the app's objects on a real Kubernetes API server", { timeout: 600_000 }, () => {
    beforeAll(async () => {
        useToolchain(CLUSTER_TOOLS);
        const cluster = clusterUp();
        k = kubectl(cluster.kubeconfig);
        manifests = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tb-manifests-")), "k8s");
        await renderManifests({ stack: "dev", outDir: manifests, config: e2eOverlay() });
    }, 600_000);

    afterAll(() => {
        if (process.env.TICKETBUSTER_E2E_KEEP !== "1") clusterDown();
    });

    it("the API server accepts every object (schema, defaults, restricted Pod Security admission)", () => {
        const files = fs.readdirSync(manifests);
        expect(files.length).toBeGreaterThan(40);
        const applied = k.run(["apply", "--server-side", "--field-manager=ticketbuster-e2e", "-f", manifests]);
        expect(applied.stderr).toBe("");
        expect(applied.ok).toBe(true);
        expect(applied.stdout.trim().split("\n")).toHaveLength(files.length);
    });

    it("rolls out to 11 Ready pods; every Service has endpoints", () => {
        for (const workload of k.run(["get", "deployments,statefulsets", "-n", NS, "-o", "name"]).stdout.trim().split("\n")) {
            const r = k.run(["rollout", "status", "-n", NS, workload, "--timeout=300s"]);
            expect(r.ok, `${workload}: ${r.stderr}`).toBe(true);
        }
        expect(k.items(["get", "pods", "-n", NS, "-l", APP_PODS]).filter(isReady)).toHaveLength(11);
        for (const tier of ticketbuster.tiers) {
            const slices = k.items(["get", "endpointslices", "-n", NS, "-l", `kubernetes.io/service-name=${tier.name}`]);
            const ready = slices.flatMap((s: any) => s.endpoints ?? []).filter((e: any) => e.conditions?.ready);
            const expected = tier.kind === "stateless" ? tier.replicas : 1;
            expect(ready.length, `ready endpoints of ${tier.name}`).toBe(expected);
        }
        expect(k.json(["get", "service", "frontend", "-n", NS]).spec.type).toBe("NodePort");
    });

    it("binds postgres-pvc (20Gi) and rabbitmq-pvc (5Gi)", () => {
        const claims = Object.fromEntries(
            k.items(["get", "pvc", "-n", NS]).map((c: any) => [c.metadata.name, [c.status.phase, c.status.capacity?.storage]]),
        );
        expect(claims).toEqual({ "postgres-pvc": ["Bound", "20Gi"], "rabbitmq-pvc": ["Bound", "5Gi"] });
    });

    it("completes the seed Job and keeps the HPA, Secrets and PodDisruptionBudgets", () => {
        const job = k.items(["get", "jobs", "-n", NS])[0];
        expect(job.metadata.name).toMatch(/^db-seed-[0-9a-f]{10}$/);
        expect(k.run(["wait", "--for=condition=complete", "-n", NS, `job/${job.metadata.name}`, "--timeout=300s"]).ok).toBe(true);
        const hpa = k.json(["get", "hpa", "order-worker", "-n", NS]);
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 10]);
        for (const name of ["db-credentials", "rabbitmq-credentials"]) {
            expect(Object.keys(k.json(["get", "secret", name, "-n", NS]).data).sort()).toEqual(["password", "username"]);
        }
        expect(k.items(["get", "pdb", "-n", NS]).map((p: any) => p.metadata.name).sort()).toEqual([
            "api-gateway",
            "catalog-service",
            "frontend",
            "notification-service",
        ]);
    });

    it("enforces the restricted Pod Security Standard in the namespace", () => {
        const rogue = JSON.stringify({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "rogue", namespace: NS },
            spec: { containers: [{ name: "c", image: "busybox:1.36", securityContext: { privileged: true } }] },
        });
        const r = k.run(["create", "-f", "-"], rogue);
        expect(r.ok).toBe(false);
        expect(r.stderr).toMatch(/violates PodSecurity "restricted/);
    });

    it("re-applying the same objects changes nothing (kubectl diff is empty)", () => {
        const diff = k.run(["diff", "--server-side", "--field-manager=ticketbuster-e2e", "-f", manifests]);
        expect(diff.stdout).toBe("");
        expect(diff.ok).toBe(true);
    });

    it("deleting the namespace leaves no object of the app", () => {
        expect(k.run(["delete", "namespace", NS, "--wait=true", "--timeout=300s"]).ok).toBe(true);
        expect(k.run(["get", "namespace", NS]).ok).toBe(false);
        const left = k.run(["get", "all,pvc,secrets,configmaps,networkpolicies,serviceaccounts,hpa,pdb", "-A", "-l", "app.kubernetes.io/part-of=ticketbuster", "-o", "name"]);
        expect(left.ok).toBe(true);
        expect(left.stdout.trim()).toBe("");
    });
});
