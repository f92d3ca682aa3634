import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { explains, Finding, loadExceptions, portableExceptions, tally } from "../scripts/lint/findings";
import { parseKubeLinter, parsePolaris } from "../scripts/lint/linters";

const FIXTURES = path.join(__dirname, "fixtures", "lint");

const finding = (check: string, object: string, where = "dev/ticketbuster"): Finding => ({ check, object, where, message: "" });

describe("lint exceptions", () => {
    it("every exception file gives each entry a check and a non-empty reason", () => {
        for (const tool of ["kube-score", "checkov"]) {
            const exceptions = loadExceptions(tool);
            expect(exceptions.length, tool).toBeGreaterThan(0);
            for (const e of exceptions) expect(e.reason.trim().length, `${tool} ${e.check}`).toBeGreaterThan(40);
        }
    });

    it("matches the check and, when given, the object patterns", () => {
        const e = { check: "CKV_K8S_40", objects: ["StatefulSet/postgres", "Job/db-seed-*"], reason: "r" };
        expect(explains(e, finding("CKV_K8S_40", "StatefulSet/postgres"))).toBe(true);
        expect(explains(e, finding("CKV_K8S_40", "Job/db-seed-1915ce8cfb"))).toBe(true);
        expect(explains(e, finding("CKV_K8S_40", "Deployment/frontend"))).toBe(false);
        expect(explains(e, finding("CKV_K8S_43", "StatefulSet/postgres"))).toBe(false);
        expect(explains({ check: "CKV_K8S_15", reason: "r" }, finding("CKV_K8S_15", "Deployment/x"))).toBe(true);
    });

    it("counts distinct (check, object) pairs across stacks and lists what no exception explains", () => {
        const t = tally(
            "checkov",
            [finding("A", "Deployment/x", "dev/a"), finding("A", "Deployment/x", "eks/a"), finding("B", "Deployment/x"), finding("A", "Job/y")],
            [
                { check: "A", objects: ["Deployment/*"], reason: "r" },
                { check: "C", reason: "r" },
            ],
        );
        expect([t.findings, t.excepted]).toEqual([3, 1]);
        expect(t.unexplained.map((f) => `${f.check} ${f.object}`)).toEqual(["B Deployment/x", "A Job/y"]);
        expect(t.unusedExceptions.map((e) => e.check)).toEqual(["C"]);
    });
});

describe("portable names (kube-linter, Polaris)", () => {
    const pairs = (tool: "kube-linter" | "polaris") => portableExceptions(tool).map((e) => `${e.check} ${e.objects?.join(",") ?? "*"}`);

    it("collects the names of lint/kube-score.yaml, lint/checkov.yaml and lint/portable.yaml, lists included", () => {
        const polaris = pairs("polaris");
        expect(polaris).toContain("pullPolicyNotAlways *");
        expect(polaris).toContain("hpaMinAvailability HorizontalPodAutoscaler/order-worker,HorizontalPodAutoscaler/product-service");
        // One exception, two names: the one-replica tiers have neither a second replica nor a PDB.
        const oneReplica = portableExceptions("polaris").filter((e) => e.objects?.includes("Deployment/expiration") && e.objects.includes("Deployment/auth-service"));
        expect(oneReplica.map((e) => e.check).sort()).toEqual(["deploymentMissingReplicas", "missingPodDisruptionBudget"]);
        expect(polaris).toContain("priorityClassNotSet Deployment/*,Job/db-seed-*");
        expect(pairs("kube-linter")).toEqual(["job-ttl-seconds-after-finished Job/db-seed-*"]);
        for (const tool of ["kube-linter", "polaris"] as const) {
            for (const e of portableExceptions(tool)) expect(e.reason.trim().length, `${tool} ${e.check}`).toBeGreaterThan(40);
        }
    });

    it("reads kube-linter's JSON report", () => {
        const findings = parseKubeLinter(fs.readFileSync(path.join(FIXTURES, "kube-linter.json"), "utf8"), "fixture");
        expect(findings.map((f) => `${f.check} ${f.object}`)).toEqual([
            "no-read-only-root-fs Deployment/web",
            "run-as-non-root Deployment/web",
            "job-ttl-seconds-after-finished Job/once",
        ]);
        expect(findings[2].message).toBe("Standalone Job does not specify ttlSecondsAfterFinished");
        expect(parseKubeLinter('{"Checks": [], "Reports": null, "Summary": {}}', "fixture")).toEqual([]);
    });

    it("reads Polaris' JSON audit: failed checks of the controller, its pod spec and its containers, score, dangers", () => {
        const audit = parsePolaris(fs.readFileSync(path.join(FIXTURES, "polaris.json"), "utf8"), "fixture");
        expect([audit.score, audit.dangers, audit.findings.length]).toEqual([72, 2, 23]);
        const of = (object: string) => audit.findings.filter((f) => f.object === object).map((f) => f.check).sort();
        expect(of("Job/once")).toEqual([
            "automountServiceAccountToken",
            "insecureCapabilities",
            "linuxHardening",
            "metadataAndInstanceMismatched",
            "missingNetworkPolicy",
            "priorityClassNotSet",
            "pullPolicyNotAlways",
        ]);
        expect(of("Deployment/web")).toEqual(expect.arrayContaining(["deploymentMissingReplicas", "priorityClassNotSet", "runAsRootAllowed", "privilegeEscalationAllowed"]));
        expect(audit.findings.find((f) => f.check === "runAsRootAllowed")?.message).toMatch(/^danger: .* \(container web\)$/);
    });
});
