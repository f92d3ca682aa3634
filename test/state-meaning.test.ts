import { describe, expect, it } from "vitest";
import { stateMeaning } from "./e2e/state-meaning";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (ciphertext: string) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext });

function deployment(opts: { ciphertext?: string; replicas?: number; modified?: string; pending?: unknown[] } = {}) {
    return {
        manifest: { time: opts.modified ?? "2026-11-23T10:00:00Z", version: "v3.248.0" },
        secrets_providers: { type: "passphrase", state: { salt: opts.ciphertext ?? "salt-a" } },
        resources: [
            { urn: "urn:pulumi:e2e::ticketbuster::pulumi:pulumi:Stack::ticketbuster-e2e", type: "pulumi:pulumi:Stack", custom: false },
            {
                urn: "urn:pulumi:e2e::ticketbuster::kubernetes:apps/v1:Deployment::api-gateway",
                type: "kubernetes:apps/v1:Deployment",
                custom: true,
                id: "ticketbuster/api-gateway",
                inputs: { spec: { replicas: opts.replicas ?? 3 }, password: secret(opts.ciphertext ?? "v1:AAAA") },
                outputs: { spec: { replicas: opts.replicas ?? 3 }, password: secret(opts.ciphertext ?? "v1:AAAA") },
                created: "2026-11-23T10:00:00Z",
                modified: opts.modified ?? "2026-11-23T10:00:00Z",
            },
        ],
        ...(opts.pending ? { pending_operations: opts.pending } : {}),
    };
}

describe("stateMeaning", () => {
    it("is equal for checkpoints that differ only in ciphertext, timestamps and the secrets provider", () => {
        expect(stateMeaning(deployment({ ciphertext: "v1:BBBB", modified: "2026-11-23T11:00:00Z" }))).toEqual(stateMeaning(deployment()));
    });

    it("differs when an input or output changed", () => {
        expect(stateMeaning(deployment({ replicas: 0 }))).not.toEqual(stateMeaning(deployment()));
    });

    it("differs when a pending operation was recorded", () => {
        const pending = [{ type: "updating", resource: { urn: "urn:pulumi:e2e::ticketbuster::kubernetes:apps/v1:Deployment::api-gateway" } }];
        expect(stateMeaning(deployment({ pending }))).not.toEqual(stateMeaning(deployment()));
    });
});
