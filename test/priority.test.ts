import { beforeAll, describe, expect, it } from "vitest";
import { APP_NAMES } from "../apps";
import { PRIORITY, SYSTEM_CLUSTER_CRITICAL } from "../components/addons/priority-classes";
import { CHARTS } from "../components/addons/versions";
import { one, plain, Registered, RunResult } from "./harness";
import { byType, nameOf, runOn, Stack, STATEFULSET, TARGETS } from "./targets";

const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
const CHART = "kubernetes:helm.sh/v4:Chart";
/** The highest value a user-defined PriorityClass may have (above it: the built-in system-* classes). */
const USER_MAX = 1_000_000_000;
const PROVIDER = { dev: "local", eks: "eks", gke: "gke" } as const;
const STORES = PRIORITY.dataStores.name;
const ADDONS = PRIORITY.addons.name;

const chart = (run: RunResult, name: string): Registered => one(run.resources.filter((r) => r.inputs.chart === name), CHART);
const classUrn = (stack: Stack, key: keyof typeof PRIORITY) =>
    `urn:pulumi:${stack}::ticketbuster::ticketbuster:addons:PriorityClasses$${PRIORITY_CLASS}::priority-classes-${PRIORITY[key].name}`;
/** Every pod template of the run's workloads, by Kind/name. */
function podSpecs(run: RunResult): Record<string, any> {
    const specs: Record<string, any> = {};
    for (const r of run.resources.filter((x) => /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:Job)$/.test(x.type))) {
        specs[`${r.type.split(":").pop()}/${nameOf(r)}`] = plain(r.inputs).spec.template.spec;
    }
    return specs;
}

describe("the PriorityClasses' order", () => {
    it("ranks the data stores over the add-ons over the default (0), all below the built-in system classes", () => {
        expect(PRIORITY.dataStores.value).toBeGreaterThan(PRIORITY.addons.value);
        expect(PRIORITY.addons.value).toBeGreaterThan(0);
        expect(PRIORITY.dataStores.value).toBeLessThanOrEqual(USER_MAX);
    });
});

describe.each(TARGETS)("priority on %s (TicketBuster, monitoring on)", (stack) => {
    let run: RunResult;
    beforeAll(async () => {
        run = await runOn(stack, { addons: JSON.stringify({ monitoring: true }) }, {});
        if (run.error) throw run.error;
    });

    it("creates the two classes once, in one PriorityClasses component, through the target's provider", () => {
        const component = one(run.resources, "ticketbuster:addons:PriorityClasses");
        expect(component.name).toBe("priority-classes");
        const classes = byType(run, PRIORITY_CLASS).map((r) => {
            expect(r.provider, r.name).toMatch(new RegExp(`::pulumi:providers:kubernetes::${PROVIDER[stack]}::`));
            return plain(r.inputs);
        });
        expect(classes.map((c) => [c.metadata.name, c.value, c.preemptionPolicy, c.globalDefault])).toEqual([
            [STORES, 1_000_000, "PreemptLowerPriority", false],
            [ADDONS, 100_000, "Never", false],
        ]);
        for (const c of classes) {
            expect(c.metadata.namespace).toBeUndefined();
            expect(c.description.length, c.metadata.name).toBeGreaterThan(100);
        }
    });

    it("gives every data store the stores' class, and waits for it; the other pods keep the default", () => {
        const specs = podSpecs(run);
        expect(Object.keys(specs).sort()).toEqual(
            expect.arrayContaining(["StatefulSet/postgres", "StatefulSet/rabbitmq", "Deployment/frontend", "Deployment/postgres-exporter"]),
        );
        expect(Object.keys(specs).some((k) => k.startsWith("Job/db-seed-"))).toBe(true);
        for (const [workload, spec] of Object.entries(specs)) {
            expect(spec.priorityClassName, workload).toBe(workload.startsWith("StatefulSet/") ? STORES : undefined);
        }
        for (const s of byType(run, STATEFULSET)) expect(s.dependencies, nameOf(s)).toContain(classUrn(stack, "dataStores"));
    });

    it("gives every long-running pod of kube-prometheus-stack the add-ons' class, the keys its templates read", () => {
        const m = chart(run, CHARTS.kubePrometheusStack.chart);
        const v = plain(m.inputs).values;
        expect([
            v.prometheus.prometheusSpec.priorityClassName,
            v.alertmanager.alertmanagerSpec.priorityClassName,
            v.prometheusOperator.priorityClassName,
            v["kube-state-metrics"].priorityClassName,
            v["prometheus-node-exporter"].priorityClassName,
            v.grafana.priorityClassName,
        ]).toEqual(Array(6).fill(ADDONS));
        // No admission webhook, so none of its one-shot patch Jobs to place (monitoring-chart-values.test.ts says why).
        expect(v.prometheusOperator.admissionWebhooks).toEqual({ enabled: false });
        expect(m.dependencies).toContain(classUrn(stack, "addons"));
    });
});

describe("priority of the targets' own add-ons", () => {
    it("local: Traefik (namespace traefik) in the add-ons' class, metrics-server (kube-system) system-cluster-critical", async () => {
        const run = await runOn("dev", { app: "proyecto06" }, {});
        if (run.error) throw run.error;
        const traefik = chart(run, CHARTS.traefik.chart);
        expect(plain(traefik.inputs).values.priorityClassName).toBe(ADDONS);
        expect(traefik.dependencies).toContain(classUrn("dev", "addons"));
        const metricsServer = plain(chart(run, CHARTS.metricsServer.chart).inputs);
        expect([metricsServer.namespace, metricsServer.values.priorityClassName]).toEqual(["kube-system", SYSTEM_CLUSTER_CRITICAL]);
    });

    it("EKS: the AWS Load Balancer Controller (kube-system) system-cluster-critical", async () => {
        const run = await runOn("eks", { app: "proyecto06" }, {});
        if (run.error) throw run.error;
        const lbc = plain(chart(run, CHARTS.awsLoadBalancerController.chart).inputs);
        expect([lbc.namespace, lbc.values.priorityClassName]).toEqual(["kube-system", SYSTEM_CLUSTER_CRITICAL]);
    });
});

describe.each(APP_NAMES.filter((a) => a !== "ticketbuster"))("priority of %s's pods on dev", (app) => {
    it("the stores' class on each StatefulSet, none on the stateless tiers", async () => {
        const run = await runOn("dev", { app }, {});
        if (run.error) throw run.error;
        const specs = podSpecs(run);
        expect(Object.keys(specs).filter((k) => k.startsWith("StatefulSet/")).length).toBeGreaterThan(0);
        for (const [workload, spec] of Object.entries(specs)) {
            expect(spec.priorityClassName, workload).toBe(workload.startsWith("StatefulSet/") ? STORES : undefined);
        }
    });
});
