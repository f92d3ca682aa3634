import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { appNames, renderManifests, STACKS } from "../scripts/render/manifests";
import { EKS } from "./cloud-mocks";
import { TEST_SECRETS } from "./harness";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "tb-render-"));

describe.each(STACKS.flatMap((stack) => appNames().map((app) => [stack, app] as const)))("render %s / %s", (stack, app) => {
    it("writes one object per file, namespace first, each with a header that says how it was made", async () => {
        const dir = tmp();
        const rendered = await renderManifests({ stack, app, outDir: dir });
        const files = fs.readdirSync(dir).sort();
        expect(files).toHaveLength(rendered.length);
        expect(files.length).toBeGreaterThan(10);
        expect(rendered[0].object.kind).toBe("Namespace");
        // A pod naming a PriorityClass that does not exist yet is refused: the classes come before the workloads.
        const kinds = rendered.map((r) => r.object.kind);
        expect(kinds.lastIndexOf("PriorityClass")).toBeGreaterThan(0);
        expect(kinds.lastIndexOf("PriorityClass")).toBeLessThan(kinds.indexOf("StatefulSet"));
        for (const file of files) {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            expect(text, file).toMatch(new RegExp(`^# Rendered by \`npm run render\` from the Pulumi program: stack ${stack} `));
            const docs = parseAllDocuments(text);
            expect(docs, file).toHaveLength(1);
            expect(file).toBe(`${file.slice(0, 3)}-${docs[0].get("kind")}-${(docs[0].toJS() as any).metadata.name}.yaml`.toLowerCase());
        }
    });

    it("puts only the harness's test passwords into Secrets, and says so", async () => {
        const dir = tmp();
        const secrets = (await renderManifests({ stack, app, outDir: dir })).filter((r) => r.object.kind === "Secret");
        expect(secrets.length).toBeGreaterThan(0);
        const testValues: string[] = Object.values(TEST_SECRETS);
        for (const s of secrets) {
            for (const [key, value] of Object.entries<string>(s.object.stringData ?? {})) {
                if (key === "username") continue;
                if (key === "uri") expect(testValues.some((v) => value.includes(v)), `${s.file} ${key}`).toBe(true);
                else expect(testValues, `${s.file} ${key}`).toContain(value);
            }
        }
        for (const s of secrets) expect(fs.readFileSync(s.file, "utf8")).toContain("test passwords of test/harness.ts, never real credentials");
    });
});

describe("render: cloud placeholders", () => {
    it("names the placeholder values a file holds on eks (the mocked AWS account in ECR image URLs)", async () => {
        const rendered = await renderManifests({ stack: "eks", outDir: tmp() });
        const deployment = rendered.find((r) => r.object.kind === "Deployment")!;
        const text = fs.readFileSync(deployment.file, "utf8");
        expect(deployment.object.spec.template.spec.containers[0].image).toContain(`${EKS.account}.dkr.ecr.`);
        expect(text).toContain(`#   ${EKS.account}: AWS account id`);
        const namespace = fs.readFileSync(rendered[0].file, "utf8");
        expect(namespace).not.toContain("Placeholders");
        expect(namespace).toContain("No cloud-computed value appears in this object");
    });

    it("renders dev without any cloud header", async () => {
        const rendered = await renderManifests({ stack: "dev", outDir: tmp() });
        for (const r of rendered) expect(fs.readFileSync(r.file, "utf8")).not.toMatch(/Placeholders|cloud-computed/);
    });
});
