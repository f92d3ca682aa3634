import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { kubeContextProblem, kubeContexts } from "../config/kube-context";

const FIXTURES = path.join(__dirname, "fixtures", "kube");
const TWO = path.join(FIXTURES, "two-contexts.yaml");
const DOCKER = path.join(FIXTURES, "docker-desktop.yaml");
const emptyHome = () => fs.mkdtempSync(path.join(os.tmpdir(), "tb-home-"));

describe("kubeContextProblem", () => {
    it("accepts a context that exists in the explicit kubeconfig file", () => {
        expect(kubeContextProblem(TWO, "staging", {}, emptyHome())).toBeUndefined();
    });

    it("names the missing context, lists the existing ones and says how to enable Docker Desktop's Kubernetes", () => {
        const problem = kubeContextProblem(TWO, "docker-desktop", {}, emptyHome());
        expect(problem).toContain('the kube context "docker-desktop" is not in the kubeconfig');
        expect(problem).toContain(TWO);
        expect(problem).toContain("the contexts there are: kind-dev, staging");
        expect(problem).toContain("Enable Kubernetes");
        expect(problem).toContain("pulumi config set kubeContext <name>");
    });

    it("does not mention Docker Desktop for another missing context", () => {
        const problem = kubeContextProblem(TWO, "prod", {}, emptyHome());
        expect(problem).toContain('"prod"');
        expect(problem).not.toContain("Docker Desktop");
    });

    it("reads every file of $KUBECONFIG, skipping missing ones, when no kubeconfig is configured", () => {
        const env = { KUBECONFIG: [path.join(FIXTURES, "absent.yaml"), TWO, DOCKER].join(path.delimiter) };
        expect(kubeContexts(undefined, env, emptyHome()).contexts).toEqual(["kind-dev", "staging", "docker-desktop"]);
        expect(kubeContextProblem(undefined, "docker-desktop", env, emptyHome())).toBeUndefined();
    });

    it("falls back to ~/.kube/config, and says so when it does not exist", () => {
        const home = emptyHome();
        const problem = kubeContextProblem(undefined, "docker-desktop", {}, home);
        expect(problem).toContain(path.join(home, ".kube", "config"));
        expect(problem).toContain("defines no context (or does not exist)");
        fs.mkdirSync(path.join(home, ".kube"));
        fs.copyFileSync(DOCKER, path.join(home, ".kube", "config"));
        expect(kubeContextProblem(undefined, "docker-desktop", {}, home)).toBeUndefined();
    });

    it("reads a kubeconfig given inline as content", () => {
        const content = fs.readFileSync(TWO, "utf8");
        expect(kubeContextProblem(content, "kind-dev", {}, emptyHome())).toBeUndefined();
        expect(kubeContextProblem(content, "docker-desktop", {}, emptyHome())).toContain("the inline kubeconfig");
    });

    it("explains an unreadable kubeconfig instead of throwing", () => {
        const dir = emptyHome();
        const broken = path.join(dir, "broken.yaml");
        fs.writeFileSync(broken, "contexts: [unclosed\n");
        expect(kubeContextProblem(broken, "x", {}, dir)).toMatch(/^ticketbuster:kubeContext: cannot read the kubeconfig/);
    });
});
