import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { baseSchema } from "../config/schema";
import { expectConfigRejected } from "./config-errors";
import { runProgram } from "./harness";

const ROOT = path.join(__dirname, "..");

interface BadCase {
    what: string;
    config?: Record<string, string | undefined>;
    secrets?: Record<string, string | undefined>;
    /** Every fragment must appear in the error message. */
    expect: string[];
}

const badConfigs: BadCase[] = [
    {
        what: "unknown target",
        config: { target: "aws" },
        expect: ['ticketbuster:target: got "aws"', "allowed: local, eks, gke"],
    },
    {
        what: "zero replicas",
        config: { replicas: '{"api-gateway":0}' },
        expect: ["ticketbuster:replicas.api-gateway: got 0", "allowed: an integer >= 1"],
    },
    {
        what: "negative replicas",
        config: { replicas: '{"frontend":-2}' },
        expect: ["ticketbuster:replicas.frontend: got -2", "allowed: an integer >= 1"],
    },
    {
        what: "fractional replicas",
        config: { replicas: '{"frontend":1.5}' },
        expect: ["ticketbuster:replicas.frontend: got 1.5", "allowed: an integer >= 1"],
    },
    {
        what: "unknown tier in a replica override",
        config: { replicas: '{"api-gatway":3}' },
        expect: ['ticketbuster:replicas.api-gatway: got "api-gatway"', 'unknown tier "api-gatway"', "allowed: frontend, api-gateway"],
    },
    {
        what: "replica override on a stateful tier",
        config: { replicas: '{"postgres":3}' },
        expect: ['ticketbuster:replicas.postgres: got "postgres"', "allowed: frontend, api-gateway, catalog-service, notification-service, order-worker"],
    },
    {
        what: "autoscaled floor above the HPA ceiling",
        config: { replicas: '{"order-worker":11}' },
        expect: ["ticketbuster:replicas.order-worker: got 11", "allowed: 1..10"],
    },
    {
        what: "malformed image tag",
        config: { imageTag: "v1:2" },
        expect: ['ticketbuster:imageTag: got "v1:2"', "allowed: a Docker tag"],
    },
    {
        what: "moving image tag",
        config: { imageTag: "latest" },
        expect: ['ticketbuster:imageTag: got "latest"', "'latest' is not reproducible"],
    },
    {
        what: "malformed per-tier image tag",
        config: { imageTags: '{"order-worker":"-bad"}' },
        expect: ['ticketbuster:imageTags.order-worker: got "-bad"', "allowed: a Docker tag"],
    },
    {
        what: "missing dbPassword",
        secrets: { dbPassword: undefined },
        expect: ["ticketbuster:dbPassword: got nothing", "pulumi config set --secret --stack dev ticketbuster:dbPassword <value>"],
    },
    {
        what: "missing rabbitmqPassword",
        secrets: { rabbitmqPassword: undefined },
        expect: ["pulumi config set --secret --stack dev ticketbuster:rabbitmqPassword <value>"],
    },
    {
        what: "unknown frontend service type",
        config: { frontendServiceType: "Ingress" },
        expect: ['ticketbuster:frontendServiceType: got "Ingress"', "allowed: LoadBalancer, NodePort, ClusterIP"],
    },
    {
        what: "namespace that is not a DNS label",
        config: { namespace: "Ticket_Buster" },
        expect: ['ticketbuster:namespace: got "Ticket_Buster"', "DNS-1123 label"],
    },
    {
        what: "protectData that is not a boolean",
        config: { protectData: "yes" },
        expect: ['ticketbuster:protectData: got "yes"', "allowed: true, false"],
    },
    {
        what: "replicas that is not JSON",
        config: { replicas: "api-gateway=3" },
        expect: ['ticketbuster:replicas: got "api-gateway=3"', "allowed: a JSON object"],
    },
    {
        what: "a misspelt key",
        config: { replica: '{"frontend":3}' },
        expect: ["ticketbuster:replica: unknown key", "allowed: target, app, platform, namespace"],
    },
];

describe("stack config validation", () => {
    it.each(badConfigs)("rejects $what before registering any resource", async (c) => {
        const result = await runProgram({ stack: "dev", config: c.config, secrets: c.secrets });
        expectConfigRejected(result, c.expect);
    });

    it("reports every problem at once", async () => {
        const result = await runProgram({
            stack: "dev",
            config: { target: "gcp", imageTag: "latest" },
            secrets: { dbPassword: undefined },
        });
        const lines = result.error?.message.split("\n").filter((l) => l.startsWith("  - ")) ?? [];
        expect(lines).toHaveLength(3);
        expect(result.resources).toHaveLength(0);
    });

    it("names a local kube context that is not in the kubeconfig, with the contexts that are, before any resource", async () => {
        const result = await runProgram({ stack: "dev", config: { kubeContext: "minikube" } });
        expectConfigRejected(result, [
            'ticketbuster:kubeContext: the kube context "minikube" is not in the kubeconfig',
            "the contexts there are: docker-desktop",
            "pulumi config set kubeContext <name>",
        ]);
    });

    it("never echoes a secret value in an error", async () => {
        const result = await runProgram({ stack: "dev", config: { target: "nope" }, secrets: { dbPassword: "s3cr3t-value-x" } });
        expect(result.error?.message).toContain("ticketbuster:target");
        expect(result.error?.message).not.toContain("s3cr3t-value-x");
    });

    it("accepts the dev stack as committed", async () => {
        const result = await runProgram({ stack: "dev" });
        expect(result.error).toBeUndefined();
        expect(result.resources.length).toBeGreaterThan(0);
    });
});

describe("Pulumi.yaml and stack files", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config: Record<string, { type: string; default?: unknown; description?: string }>;
    };

    it("declares each scalar key with the schema's default and type", () => {
        const defaults = baseSchema.parse({});
        const declared = Object.entries(project.config);
        expect(declared.map(([key]) => key)).toEqual(["app", "imageTag", "protectData", "routing"]);
        for (const [key, decl] of declared) {
            expect(decl.description, key).toBeTruthy();
            expect(Object.keys(baseSchema.shape), key).toContain(key);
            expect(decl.default, key).toEqual((defaults as Record<string, unknown>)[key]);
            expect(decl.type, key).toBe(typeof decl.default === "boolean" ? "boolean" : "string");
        }
    });

    it("keeps secrets out of every stack file", () => {
        const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
        expect(stackFiles).toContain("Pulumi.dev.yaml");
        for (const file of stackFiles) {
            const doc = (parse(fs.readFileSync(path.join(ROOT, file), "utf8")) ?? {}) as { config?: Record<string, unknown> };
            for (const key of ["ticketbuster:dbPassword", "ticketbuster:rabbitmqPassword"]) {
                const value = doc.config?.[key];
                if (value !== undefined) expect(value, `${file} ${key}`).toHaveProperty("secure");
            }
        }
    });
});
