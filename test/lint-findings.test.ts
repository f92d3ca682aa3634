import { describe, expect, it } from "vitest";
import { explains, Finding, loadExceptions, tally } from "../scripts/lint/findings";

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
