/**
 * The pure parts of `npm run check:charts` on small fixtures (no chart sources, no helm): the value-key
 * walk, the pod reference check, the render diff, and how findings come together for one installation.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { findChartDir, loadChartValues } from "../scripts/charts/chart-source";
import { checkInstallation, InstallationInput, namespaceLevels } from "../scripts/charts/findings";
import { parseManifest } from "../scripts/charts/helm";
import { policiesSelectingNothing, selects } from "../scripts/charts/policies";
import { K8sObject, missingReferences, podReferences, podTemplateOf } from "../scripts/charts/references";
import { diffRenders, differingPaths } from "../scripts/charts/render-diff";
import { ChartValues, mergeDefaults, unknownValueKeys } from "../scripts/charts/value-keys";

const FIXTURES = path.join(__dirname, "fixtures", "charts");
const demo = () => loadChartValues(path.join(FIXTURES, "demo-1.0.0"));

describe("chart sources on disk", () => {
    it("finds <chart>-<version>/ and refuses a directory that holds another version", () => {
        expect(findChartDir(FIXTURES, "demo", "1.0.0")).toEqual({ dir: path.join(FIXTURES, "demo-1.0.0") });
        expect(findChartDir(FIXTURES, "demo", "2.0.0")).toEqual({ missing: `no ${path.join(FIXTURES, "demo-2.0.0")}/Chart.yaml` });
    });

    it("loads defaults, schema and subcharts under their alias", () => {
        const c = demo();
        expect(c.name).toBe("demo");
        expect(Object.keys(c.subcharts).sort()).toEqual(["nodeExporter", "sub"]);
        expect(c.subcharts.nodeExporter.defaults).toEqual({ hostRootFsMount: { enabled: true } });
        expect(c.schema).toMatchObject({ type: "object" });
    });
});

describe("value keys the chart does not know", () => {
    it("accepts keys of values.yaml at any depth, and of the schema (through $ref)", () => {
        expect(unknownValueKeys({ replicas: 2, webhook: { enabled: false, tls: { enabled: false } }, service: { type: "ClusterIP" }, extraObjects: [] }, demo())).toEqual([]);
    });

    it("names a misspelt key with its full path", () => {
        expect(unknownValueKeys({ replica: 2, webhook: { tls: { enable: false } } }, demo())).toEqual([
            { path: "replica", why: "not in the chart's values.yaml nor its values.schema.json and no template reads it" },
            { path: "webhook.tls.enable", why: "not in the chart's values.yaml nor its values.schema.json and no template reads it" },
        ]);
    });

    it("treats {} defaults, free-form Kubernetes fields, null slots and open schemas as open maps", () => {
        const values = {
            podAnnotations: { "anything/goes": "x" },
            resources: { requests: { cpu: "10m" } }, // the default has only limits: resources is a Kubernetes field
            webhook: { cert: { any: "thing" } }, // a null default: a slot for a map
            env: { FOO: "bar" }, // additionalProperties
            service: { ports: { web: { port: 80 } } }, // a schema object without properties
        };
        expect(unknownValueKeys(values, demo())).toEqual([]);
    });

    it("refuses keys a closed schema object does not list, and a map where the chart has a scalar", () => {
        expect(unknownValueKeys({ strict: { a: "x", b: "y" }, webhook: { caBundle: { pem: "x" } } }, demo())).toEqual([
            { path: "strict.b", why: "not in the chart's values.yaml nor its values.schema.json and no template reads it" },
            { path: "webhook.caBundle", why: "a map, where the chart's default is a string" },
        ]);
    });

    it("knows a key a template reads though values.yaml only has it in a comment, in the chart and in a subchart", () => {
        const values = { priorityClassName: "p", sub: { podPriority: { name: "p", nmae: "q" }, podPriorty: { name: "p" } }, priorityClass: "p" };
        expect(unknownValueKeys(values, demo()).map((k) => k.path)).toEqual(["priorityClass", "sub.podPriority.nmae", "sub.podPriorty"]);
        expect(demo().templateReads).toEqual(new Set(["priorityClassName", "replicas"]));
        expect(demo().subcharts.sub.templateReads).toEqual(new Set(["podPriority.name"]));
    });

    it("walks subcharts under their name or alias, with the parent's overrides, and globals across the tree", () => {
        const values = {
            sub: { image: { tag: "2" }, fromParent: false, nope: 1 },
            nodeExporter: { hostRootFsMount: { enabled: false } },
            global: { imageRegistry: "r", subOnly: false, other: 1 },
        };
        expect(unknownValueKeys(values, demo()).map((k) => k.path)).toEqual(["global.other", "sub.nope"]);
    });

    it("does not walk lists", () => {
        expect(unknownValueKeys({ args: [{ whatever: true }] }, demo())).toEqual([]);
    });

    it("merges defaults deeply, the second winning", () => {
        expect(mergeDefaults({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: 3 }, e: {} })).toEqual({ a: { b: 1, c: 3 }, d: 1, e: {} });
    });
});

const deployment = (name: string, spec: Record<string, unknown>, namespace?: string): K8sObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { template: { metadata: { labels: { app: name } }, spec } },
});
const obj = (kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): K8sObject => ({
    apiVersion: "v1",
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...extra,
});

describe("what pods reference", () => {
    const operator = deployment("operator", {
        serviceAccountName: "operator",
        imagePullSecrets: [{ name: "regcred" }],
        volumes: [
            { name: "tls", secret: { secretName: "operator-admission" } },
            { name: "cfg", configMap: { name: "operator-config", optional: true } },
            { name: "bundle", projected: { sources: [{ secret: { name: "extra" } }, { configMap: { name: "kube-root-ca.crt" } }, { serviceAccountToken: { path: "t" } }] } },
        ],
        initContainers: [{ name: "init", envFrom: [{ configMapRef: { name: "init-env" } }] }],
        containers: [{ name: "main", env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "admin", key: "password" } } }, { name: "PLAIN", value: "x" }] }],
    });

    it("lists every Secret, ConfigMap and ServiceAccount a pod names, where, and whether optional", () => {
        expect(podReferences(operator, "monitoring").map((r) => `${r.kind} ${r.namespace}/${r.name} <- ${r.via}${r.optional ? " (optional)" : ""}`)).toEqual([
            "ServiceAccount monitoring/operator <- serviceAccountName",
            "Secret monitoring/regcred <- imagePullSecrets",
            "Secret monitoring/operator-admission <- volume tls",
            "ConfigMap monitoring/operator-config <- volume cfg (optional)",
            "Secret monitoring/extra <- volume bundle (projected)",
            "ConfigMap monitoring/kube-root-ca.crt <- volume bundle (projected)",
            "ConfigMap monitoring/init-env <- container init envFrom",
            "Secret monitoring/admin <- container main env PASSWORD",
        ]);
    });

    it("finds the pod of a Pod, a workload and a CronJob, and none in a Service", () => {
        const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c" }] } };
        const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "j" }] } } } } } };
        expect(podTemplateOf(pod)?.spec.containers?.[0].name).toBe("c");
        expect(podTemplateOf(cron)?.spec.containers?.[0].name).toBe("j");
        expect(podTemplateOf(obj("Service", "s", undefined, { spec: { ports: [] } }))).toBeUndefined();
        expect(podReferences(deployment("d", { containers: [{ name: "c" }] }), "ns")).toEqual([
            { kind: "ServiceAccount", name: "default", namespace: "ns", from: "Deployment/ns/d", via: "serviceAccountName", optional: false },
        ]);
    });

    it("reports what neither the render, the program nor the cluster provides (optional references aside)", () => {
        const rendered = [operator, obj("ServiceAccount", "operator"), obj("ConfigMap", "init-env", "monitoring")];
        const created = [obj("Secret", "admin", "monitoring")];
        expect(missingReferences(rendered, created, "monitoring").map((r) => `${r.kind}/${r.name}`)).toEqual(["Secret/regcred", "Secret/operator-admission", "Secret/extra"]);
    });

    it("matches namespaces: an object the program creates elsewhere does not count", () => {
        const d = deployment("d", { containers: [{ name: "c", envFrom: [{ secretRef: { name: "s" } }] }] }, "apps");
        expect(missingReferences([d], [obj("Secret", "s", "other")], "release-ns")).toHaveLength(1);
        expect(missingReferences([d], [obj("Secret", "s", "apps")], "release-ns")).toEqual([]);
    });
});

describe("two renders", () => {
    it("are equal when every object is", () => {
        const a = [obj("ConfigMap", "x", undefined, { data: { k: "v" } })];
        expect(diffRenders(a, structuredClone(a), "ns")).toEqual([]);
    });

    it("differ in the fields a random template function changes, named by path", () => {
        const render = (crt: string, ca: string) => [
            obj("Secret", "tls", "kube-system", { data: { "tls.crt": crt, "tls.key": "k" } }),
            { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "hook" }, webhooks: [{ name: "a", clientConfig: { caBundle: ca } }] },
        ];
        expect(diffRenders(render("A", "CA1"), render("B", "CA2"), "kube-system")).toEqual([
            { object: "MutatingWebhookConfiguration/hook", kindName: "MutatingWebhookConfiguration/hook", paths: ["webhooks[0].clientConfig.caBundle"] },
            { object: "Secret/kube-system/tls", kindName: "Secret/tls", paths: ['data["tls.crt"]'] },
        ]);
    });

    it("count an object present in one render only", () => {
        expect(diffRenders([obj("ConfigMap", "x")], [], "ns")).toEqual([{ object: "ConfigMap/ns/x", kindName: "ConfigMap/x", paths: ["(only in the first render)"] }]);
        expect(differingPaths({ a: [1, 2] }, { a: [1] })).toEqual(["a[1]"]);
    });
});

describe("one installation's findings", () => {
    const chartValues: ChartValues = { name: "demo", defaults: { webhook: { enabled: true }, keepTLSSecret: true }, subcharts: {} };
    const restrictedNs = obj("Namespace", "apps", undefined, { metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
    const secretA = obj("Secret", "demo-tls", "apps", { data: { "tls.crt": "A" } });
    const secretB = obj("Secret", "demo-tls", "apps", { data: { "tls.crt": "B" } });
    const pod = deployment("demo", { containers: [{ name: "app", volumeMounts: [], envFrom: [{ secretRef: { name: "demo-admission" } }] }] });
    const base: InstallationInput = {
        release: "demo",
        namespace: "apps",
        values: { webhook: { enabled: true, enabeld: false } },
        chartValues,
        renders: [[pod, secretA], [pod, secretB]],
        hooks: [obj("Job", "demo-create-secret", "apps", { metadata: { name: "demo-create-secret", namespace: "apps", annotations: { "helm.sh/hook": "pre-install" } } })],
        created: [restrictedNs],
    };

    it("reports each of (a)-(d) with what and where, and lists the hooks left out", () => {
        const report = checkInstallation(base);
        expect(report.findings.map((f) => f.kind)).toEqual(["missing-reference", "unknown-value", "pod-security", "pod-security", "pod-security", "pod-security", "render-diff"]);
        expect(report.findings[0].message).toBe(
            "Deployment/apps/demo needs Secret apps/demo-admission (container app envFrom); neither the chart (without hooks) nor the program creates it",
        );
        expect(report.findings[1].message).toBe("value webhook.enabeld: not in the chart's values.yaml and no template reads it");
        expect(report.findings[2].message).toMatch(/^Deployment\/apps\/demo: namespace apps enforces "restricted": allowPrivilegeEscalation != false/);
        expect(report.findings[6].message).toBe('Secret/apps/demo-tls differs between two renders (data["tls.crt"]): a diff on every pulumi up');
        expect(report.notes).toEqual(["hook not applied by helm.v4.Chart: Job/apps/demo-create-secret (pre-install)"]);
        expect([report.objects, report.pods]).toEqual([2, 1]);
    });

    it("takes a render difference the chart keeps stable only while the program sets the value that does it", () => {
        const stable = [{ objects: ["Secret/demo-tls"], why: "reused through lookup()", requires: { path: "keepTLSSecret", equals: true } }];
        const input = { ...base, renders: [[secretA], [secretB]] as [K8sObject[], K8sObject[]], values: { keepTLSSecret: true }, stableInCluster: stable };
        const kept = checkInstallation(input);
        expect(kept.findings).toEqual([]);
        expect(kept.notes[0]).toBe('Secret/apps/demo-tls differs between two client-side renders (data["tls.crt"]); stable in the cluster: reused through lookup()');
        // Left out, the chart's default (true here) is what renders.
        expect(checkInstallation({ ...input, values: {} }).findings).toEqual([]);
        const notKept = checkInstallation({ ...input, values: { keepTLSSecret: false } });
        expect(notKept.findings.map((f) => f.message)).toEqual([
            'Secret/apps/demo-tls differs between two renders (data["tls.crt"]) and keepTLSSecret is false (the program\'s value), not true: nothing keeps it stable',
        ]);
        const offByDefault = checkInstallation({ ...input, values: {}, chartValues: { ...chartValues, defaults: {} } });
        expect(offByDefault.findings.map((f) => f.message)).toEqual([
            'Secret/apps/demo-tls differs between two renders (data["tls.crt"]) and keepTLSSecret is undefined (the chart\'s default), not true: nothing keeps it stable',
        ]);
    });

    it("applies no Pod Security check where the namespace has no label, and the label's level where it has one", () => {
        const elsewhere = { ...base, values: {}, renders: [[pod], [pod]] as [K8sObject[], K8sObject[]], created: [restrictedNs, obj("Secret", "demo-admission", "apps")] };
        expect(checkInstallation({ ...elsewhere, namespace: "unlabeled" }).findings.map((f) => f.kind)).toEqual(["missing-reference"]);
        expect(checkInstallation(elsewhere).findings.map((f) => f.kind)).toEqual(["pod-security", "pod-security", "pod-security", "pod-security"]);
        expect(namespaceLevels([restrictedNs, obj("Namespace", "kube-system")])).toEqual(new Map([["apps", "restricted"], ["kube-system", "privileged"]]));
    });
});

describe("the program's NetworkPolicies in a chart's namespace", () => {
    const pod = deployment("demo", { containers: [{ name: "app" }] }, "apps");
    const policy = (name: string, podSelector: Record<string, unknown>, namespace = "apps") => obj("NetworkPolicy", name, namespace, { apiVersion: "networking.k8s.io/v1", spec: { podSelector } });

    it("must each select one of the chart's pods there: a label it does not set, or no pod at all, is a finding", () => {
        const created = [
            policy("deny-all", {}),
            policy("allow-demo", { matchLabels: { app: "demo" } }),
            policy("allow-typo", { matchLabels: { app: "dmeo" } }),
            policy("elsewhere", { matchLabels: { app: "other" } }, "other-namespace"),
        ];
        expect(policiesSelectingNothing([pod], created, "apps")).toEqual([
            'NetworkPolicy/apps/allow-typo selects {"matchLabels":{"app":"dmeo"}}, which none of the chart\'s pods in apps matches (Deployment/apps/demo {"app":"demo"})',
        ]);
        expect(policiesSelectingNothing([obj("ConfigMap", "c", "apps")], [policy("deny-all", {})], "apps")).toEqual([
            "NetworkPolicy/apps/deny-all selects {}, which none of the chart's pods in apps matches (the chart runs no pod there)",
        ]);
        const report = checkInstallation({
            release: "demo",
            namespace: "apps",
            values: {},
            chartValues: { name: "demo", defaults: {}, subcharts: {} },
            renders: [[pod], [pod]],
            hooks: [],
            created: [policy("allow-typo", { matchLabels: { app: "dmeo" } })],
        });
        expect(report.findings.map((f) => f.kind)).toEqual(["policy-selects-nothing"]);
    });

    it("read label selectors as Kubernetes does: matchLabels and In, NotIn, Exists, DoesNotExist expressions", () => {
        const labels = { app: "loki", tier: "db" };
        expect(selects({}, labels)).toBe(true);
        expect(selects({ matchLabels: { app: "loki", tier: "db" } }, labels)).toBe(true);
        expect(selects({ matchLabels: { app: "loki", zone: "a" } }, labels)).toBe(false);
        expect(selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["db", "cache"] }] }, labels)).toBe(true);
        expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }, labels)).toBe(false);
        expect(selects({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, labels)).toBe(true);
        expect(selects({ matchExpressions: [{ key: "app", operator: "Exists" }] }, labels)).toBe(true);
        expect(selects({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, labels)).toBe(false);
    });
});

describe("helm output", () => {
    it("parses a multi-document stream, dropping empty documents", () => {
        const yaml = "---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# empty\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n";
        expect(parseManifest(yaml).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(["ConfigMap/a", "Secret/b"]);
    });
});
