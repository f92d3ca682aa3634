/**
 * kube-prometheus-stack's values per target (issue 16.1): nothing that needs a Helm hook (helm.v4.Chart
 * applies none), and only the cluster-component monitors the target lets Prometheus reach.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_MONITORS } from "../components/addons/cluster-monitors";
import { CHARTS, PinnedChart } from "../components/addons/versions";
import { captureStack, chartRegistrations, ChartRegistration, everyAddonOn } from "../scripts/charts/capture";
import { cloudStateFor } from "./cloud-mocks";
import { runProgram } from "./harness";

const STACKS = ["dev", "eks", "gke"] as const;
const valueAt = (v: unknown, dotted: string) => dotted.split(".").reduce<any>((x, k) => x?.[k], v);

/** What each target can scrape, spelt out (not read from CLUSTER_MONITORS, which this test checks). */
const EXPECTED: Record<(typeof STACKS)[number], Record<string, boolean>> = {
    dev: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false, coreDns: true, kubeDns: false },
    eks: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false, coreDns: true, kubeDns: false },
    gke: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false, coreDns: false, kubeDns: true },
};

describe.each(STACKS)("kube-prometheus-stack on %s", (stack) => {
    let kps: ChartRegistration;
    beforeAll(async () => {
        const config = { addons: JSON.stringify({ monitoring: true }) };
        const run = await runProgram({ stack, config, state: cloudStateFor(stack, config) });
        if (run.error) throw run.error;
        const found = chartRegistrations(stack, run.resources).filter((c) => c.chart === CHARTS.kubePrometheusStack.chart);
        expect(found).toHaveLength(1);
        kps = found[0];
    });

    it("turns off the operator's admission webhooks and TLS, whose certificate only a hook Job would make", () => {
        expect(kps.values.prometheusOperator).toEqual({ admissionWebhooks: { enabled: false }, tls: { enabled: false }, priorityClassName: "ticketbuster-addons" });
    });

    it("enables only the cluster-component monitors the target exposes", () => {
        const enabled = Object.fromEntries(Object.keys(EXPECTED[stack]).map((k) => [k, (kps.values[k] as { enabled: boolean }).enabled]));
        expect(enabled).toEqual(EXPECTED[stack]);
    });

    it("installs it as release monitoring in the monitoring namespace, with CRDs", () => {
        expect([kps.release, kps.namespace, kps.version, kps.includeCrds]).toEqual(["monitoring", "monitoring", CHARTS.kubePrometheusStack.version, true]);
    });
});

describe("the pinned charts", () => {
    it("each name their source repository and the date and result of their last chart check", () => {
        for (const c of Object.values(CHARTS as Record<string, PinnedChart>)) {
            expect(c.source.github).toMatch(/^[\w.-]+\/[\w.-]+$/);
            expect(c.source.path.endsWith(c.chart)).toBe(true);
            expect(c.checked?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(c.checked?.result.length).toBeGreaterThan(0);
        }
    });
});

describe("the per-target monitor table", () => {
    it("never scrapes a managed or localhost-bound control plane on any target", () => {
        for (const m of Object.values(CLUSTER_MONITORS)) {
            expect([m.kubeControllerManager, m.kubeScheduler, m.kubeEtcd, m.kubeProxy]).toEqual([false, false, false, false]);
            expect(m.coreDns !== m.kubeDns).toBe(true); // exactly one DNS flavour per target
        }
    });
});

describe("the chart check's capture of the program", () => {
    it("turns on every add-on a target accepts (metrics-server stays off on GKE, which runs its own)", () => {
        expect(everyAddonOn("local")).toEqual({ metricsServer: true, gateway: true, monitoring: true, logging: true });
        expect(everyAddonOn("gke")).toEqual({ metricsServer: false, gateway: true, monitoring: true, logging: true });
    });

    it("finds every chart registration of each stack with its release, namespace and values", async () => {
        const found: Record<string, string[]> = {};
        for (const stack of STACKS) {
            const { charts, created } = await captureStack(stack);
            found[stack] = charts.map((c) => `${c.chart}@${c.version} ${c.release}/${c.namespace}`).sort();
            expect(created.some((o) => o.kind === "Namespace" && o.metadata?.name === "monitoring")).toBe(true);
            for (const c of charts) {
                // Each registration is a pinned entry, and sets the values its accepted render differences rely on.
                const pinned = Object.values(CHARTS as Record<string, PinnedChart>).find((p) => p.chart === c.chart)!;
                expect([c.version, c.repo]).toEqual([pinned.version, pinned.repo]);
                for (const s of pinned.stableInCluster ?? []) expect(valueAt(c.values, s.requires.path)).toEqual(s.requires.equals);
            }
        }
        expect(found).toEqual({
            dev: [
                "cert-manager@v1.21.1 cert-manager/cert-manager",
                "fluent-bit@0.58.1 fluent-bit/fluent-bit",
                "kube-prometheus-stack@77.11.1 monitoring/monitoring",
                "loki@18.11.0 loki/loki",
                "metrics-server@3.12.2 metrics-server/kube-system",
                "traefik@37.1.1 traefik/traefik",
            ],
            eks: [
                "aws-load-balancer-controller@1.14.0 aws-load-balancer-controller/kube-system",
                "fluent-bit@0.58.1 fluent-bit/fluent-bit",
                "kube-prometheus-stack@77.11.1 monitoring/monitoring",
                "loki@18.11.0 loki/loki",
            ],
            gke: ["fluent-bit@0.58.1 fluent-bit/fluent-bit", "kube-prometheus-stack@77.11.1 monitoring/monitoring", "loki@18.11.0 loki/loki"],
        });
    });
});
