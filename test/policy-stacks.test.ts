import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { policies } from "../policy/policies";
import { appNames, exampleStacks, STACKS } from "../scripts/render/manifests";
import { cloudStateFor } from "../scripts/render/placeholders";
import { platformsFor } from "./cloud-mocks";
import { runProgram, stackConfig } from "./harness";
import { fromRegistered, violations } from "./policy-args";

/** A policy's config that a stack passes with --policy-pack-config policy/<stack>.json (none: the policy's defaults). */
function packConfig(stack: string, policy: string): Record<string, unknown> {
    const file = path.join(__dirname, "..", "policy", `${stack}.json`);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8"))[policy] ?? {}) : {};
}
const policyConfig = (stack: string): { protectData: boolean } => ({ protectData: (packConfig(stack, "protected-data-volumes").protectData as boolean) ?? false });

describe.each(STACKS)("policy config of %s", (stack) => {
    it("turns protected-data-volumes on exactly where the stack sets protectData", () => {
        expect(policyConfig(stack).protectData).toBe(stackConfig(stack)["ticketbuster:protectData"] === "true");
    });
    it("tells routes-tls-on-cloud the target is a cloud exactly on the cloud stacks", () => {
        const target = stackConfig(stack)["ticketbuster:target"] ?? "local";
        expect(packConfig(stack, "routes-tls-on-cloud").cloud ?? false).toBe(target !== "local");
    });
});

describe.each(STACKS.flatMap((stack) => appNames().map((app) => [stack, app] as const)))("policy pack on %s / %s", (stack, app) => {
    it("finds no violation in any resource the program registers", async () => {
        const config: Record<string, string> = { app };
        const run = await runProgram({ stack, config, state: cloudStateFor(stack, config) });
        if (run.error) throw run.error;
        expect(run.resources.length).toBeGreaterThan(20);
        const found: string[] = [];
        for (const r of run.resources) {
            for (const policy of policies) {
                const args = fromRegistered(r, stack, packConfig(stack, policy.name));
                found.push(...(await violations(policy, args)).map((m) => `${policy.name}: ${m}`));
            }
        }
        expect(found).toEqual([]);
    });
});

describe.each(exampleStacks())("policy pack on the example stack %s (platform or app stack)", (stack) => {
    it("finds no violation in any resource the program registers", async () => {
        const run = await runProgram({ stack, state: cloudStateFor(stack), platforms: await platformsFor(stack) });
        if (run.error) throw run.error;
        const protectData = stackConfig(stack)["ticketbuster:protectData"] === "true";
        const found: string[] = [];
        for (const r of run.resources) {
            for (const policy of policies) found.push(...(await violations(policy, fromRegistered(r, stack, { protectData }))).map((m) => `${policy.name}: ${m}`));
        }
        expect(found).toEqual([]);
        // A platform stack's resources are the add-ons; an app stack's the app: both reach the policies.
        expect(run.resources.filter((r) => r.type.startsWith("kubernetes:")).length).toBeGreaterThan(3);
    });
});

describe("policy pack on the program, turned against it", () => {
    it("reports every route of a cloud stack that is plain HTTP without having chosen it, and accepts the same routes when chosen", async () => {
        const tlsPolicy = policies.find((p) => p.name === "routes-tls-on-cloud")!;
        const found = async (config: Record<string, string | undefined>) => {
            const run = await runProgram({ stack: "eks", config: { app: "bookstore", addons: '{"monitoring":true,"grafanaHost":"grafana.example.com"}', ...config }, state: cloudStateFor("eks") });
            if (run.error) throw run.error;
            const messages: string[] = [];
            for (const r of run.resources) messages.push(...(await violations(tlsPolicy, fromRegistered(r, "eks", packConfig("eks", tlsPolicy.name)))));
            return messages.sort();
        };
        // The stack file's tls.mode off removed: plain HTTP by default (no zone), which nobody chose.
        expect(await found({ tls: undefined })).toEqual([
            "Gateway bookstore serves plain HTTP on a cloud target: give the stack a DNS zone (dns.zone, dns.zoneId) for managed certificates, or set tls.mode off to choose plain HTTP explicitly.",
            "Gateway grafana serves plain HTTP on a cloud target: give the stack a DNS zone (dns.zone, dns.zoneId) for managed certificates, or set tls.mode off to choose plain HTTP explicitly.",
        ]);
        expect(await found({})).toEqual([]);
        expect(await found({ tls: undefined, routing: "ingress" })).toHaveLength(2);
        expect(await found({ tls: undefined, dns: '{"zone":"example.com","zoneId":"Z0123456789ABCDEFGHIJ"}' })).toEqual([]);
        expect(await found({ tls: undefined, routing: "ingress", dns: '{"zone":"example.com","zoneId":"Z0123456789ABCDEFGHIJ"}' })).toEqual([]);
    });

    it("reports the eks stack's claims when protectData is on but the claims are not protected", async () => {
        const run = await runProgram({ stack: "eks", config: { protectData: "false" }, state: cloudStateFor("eks") });
        if (run.error) throw run.error;
        const found: string[] = [];
        for (const r of run.resources) found.push(...(await violations(policies.find((p) => p.name === "protected-data-volumes")!, fromRegistered(r, "eks", { protectData: true }))));
        expect(found.sort()).toEqual([
            "PersistentVolumeClaim postgres-pvc holds a data store and protectData is on, but the resource is not protected.",
            "PersistentVolumeClaim rabbitmq-pvc holds a data store and protectData is on, but the resource is not protected.",
        ]);
    });
});
