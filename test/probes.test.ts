import { describe, expect, it } from "vitest";
import { probes } from "../components/pod";

describe("probes from a HealthSpec", () => {
    it("turns paths into httpGet on the named port and commands into exec, each probe its own check", () => {
        const p = probes({ liveness: { command: ["node", "-e", "alive()"] }, readiness: "/readyz", startup: { command: ["true"] } }, "http", "t");
        expect(p.livenessProbe).toMatchObject({ exec: { command: ["node", "-e", "alive()"] }, timeoutSeconds: 5 });
        expect(p.livenessProbe).not.toHaveProperty("httpGet");
        expect(p.readinessProbe).toMatchObject({ httpGet: { path: "/readyz", port: "http" }, timeoutSeconds: 2 });
        expect(p.startupProbe).toMatchObject({ exec: { command: ["true"] } });
    });

    it("probes a tier without ports by commands only, and refuses an HTTP path there", () => {
        const p = probes({ liveness: { command: ["a"] }, readiness: { command: ["b"] } }, undefined, "worker");
        expect(p.livenessProbe).toMatchObject({ exec: { command: ["a"] } });
        expect(p.readinessProbe).toMatchObject({ exec: { command: ["b"] } });
        expect(p.startupProbe).toBeUndefined();
        expect(() => probes({ liveness: "/health", readiness: { command: ["b"] } }, undefined, "worker")).toThrow(/worker has no port/);
    });
});
