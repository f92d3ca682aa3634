/**
 * Every Kubernetes object the program registers, for every app of the catalog on every stack, against
 * the Kubernetes OpenAPI schema (offline, kubernetes-models). Custom resources (Gateway API,
 * prometheus-operator) are validated against their CRDs by the kwok e2e test instead.
 */
import { describe, expect, it } from "vitest";
import { appNames, STACKS } from "../scripts/render/manifests";
import { cloudStateFor } from "./cloud-mocks";
import { isKubernetes, one, plain, runProgram } from "./harness";
import { CRD_GROUPS, schemaError } from "./k8s-schema";

describe.each(STACKS.flatMap((stack) => appNames().map((app) => [stack, app] as const)))("Kubernetes schema on %s / %s", (stack, app) => {
    it("accepts every built-in object the program registers", async () => {
        const config = { app };
        const run = await runProgram({ stack, config, state: cloudStateFor(stack, config) });
        if (run.error) throw run.error;
        const builtIn = run.resources.filter((r) => isKubernetes(r) && !CRD_GROUPS.some((g) => r.type.startsWith(`kubernetes:${g}/`)));
        expect(builtIn.length).toBeGreaterThan(20);
        expect(builtIn.map(schemaError).filter(Boolean)).toEqual([]);
    });
});

describe("the schema check", () => {
    it("rejects a malformed object (the check can fail)", async () => {
        const run = await runProgram({ stack: "dev" });
        const d = one(run.resources, "kubernetes:apps/v1:Deployment", "frontend");
        const broken = { ...d, inputs: { ...d.inputs, spec: { ...plain(d.inputs).spec, replicas: "two" } } };
        expect(schemaError(broken)).toMatch(/replicas/);
    });
});
