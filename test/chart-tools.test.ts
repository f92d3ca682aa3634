/**
 * The chart check's command line without chart sources (what CI sees), and scripts/charts/extract.sh
 * on a small git repository made here (no network, no real chart).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

describe("npm run check:charts without chart sources", () => {
    it("says it skips and why, and exits 0, without a directory", () => {
        const r = spawnSync(TSX, ["scripts/charts/check.ts"], { cwd: ROOT, encoding: "utf8" });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("check:charts: skipped: no directory of chart sources given (CI has none");
    });

    it("says it skips, and exits 0, for a directory that does not exist", () => {
        const r = spawnSync(TSX, ["scripts/charts/check.ts", "/nonexistent/chart-sources"], { cwd: ROOT, encoding: "utf8" });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("check:charts: skipped: /nonexistent/chart-sources is not a directory of chart sources.");
    });

    it("refuses an unknown stack as a usage error", () => {
        const r = spawnSync(TSX, ["scripts/charts/check.ts", "/tmp", "--stack", "prod"], { cwd: ROOT, encoding: "utf8" });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("usage: npm run check:charts -- <dir of chart sources>");
    });
});

describe("scripts/charts/extract.sh", () => {
    let tmp: string;
    const git = (cwd: string, ...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
    /** Writes files, commits them at a fixed date (seconds after a base), optionally tags. */
    const commit = (repo: string, files: Record<string, string>, date: number, tag?: string) => {
        for (const [f, body] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
            fs.writeFileSync(path.join(repo, f), body);
        }
        git(repo, "add", "-A");
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "commit", "-q", "-m", `at ${date}`], {
            cwd: repo,
            env: { ...process.env, GIT_AUTHOR_DATE: `@${1_700_000_000 + date} +0000`, GIT_COMMITTER_DATE: `@${1_700_000_000 + date} +0000` },
        });
        if (tag) git(repo, "tag", tag);
    };
    const chartYaml = (name: string, version: string, deps = "") => `apiVersion: v2\nname: ${name}\nversion: ${version}\n${deps}`;

    beforeAll(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "extract-test-"));
        // Repository "example/charts": the app chart (no tags: found by its Chart.yaml) and a subchart released with tags.
        const work = path.join(tmp, "work");
        fs.mkdirSync(work);
        git(work, "init", "-q");
        commit(work, { "charts/sub/Chart.yaml": chartYaml("sub", "0.1.0"), "charts/sub/values.yaml": "a: 1\n" }, 1_000, "sub-0.1.0");
        commit(work, { "charts/sub/Chart.yaml": chartYaml("sub", "0.1.1"), "charts/sub/values.yaml": "a: 2\n" }, 2_000, "sub-0.1.1");
        const deps = "dependencies:\n  - name: sub\n    version: \"0.1.*\"\n    repository: https://example.github.io/charts\n  - name: local\n    version: 1.0.0\n";
        commit(
            work,
            {
                "charts/app/Chart.yaml": chartYaml("app", "1.0.0", deps),
                "charts/app/values.yaml": "replicas: 1\n",
                "charts/app/charts/local/Chart.yaml": chartYaml("local", "1.0.0"),
            },
            3_000,
        );
        commit(work, { "charts/app/values.yaml": "replicas: 2 # unreleased change, same version\n" }, 4_000);
        // A later sub release, after the app's: not what the app was released with.
        commit(work, { "charts/sub/Chart.yaml": chartYaml("sub", "0.1.2"), "charts/sub/values.yaml": "a: 3\n" }, 5_000, "sub-0.1.2");
        // A chart whose release tooling writes the version (cert-manager's): v0.0.0 in git, the release tag v2.0.0.
        const templated = "apiVersion: v2\nname: tool\n# set by the release tool\nversion: v0.0.0\nappVersion: v0.0.0\n";
        commit(work, { "deploy/charts/tool/Chart.yaml": templated, "deploy/charts/tool/values.yaml": "image: tool\n" }, 6_000, "v2.0.0");
        commit(work, { "deploy/charts/tool/values.yaml": "image: tool # later\n" }, 7_000, "tool-unrelated-tag");
        fs.mkdirSync(path.join(tmp, "mirrors", "example+charts"), { recursive: true });
        execFileSync("git", ["clone", "-q", "--bare", work, path.join(tmp, "mirrors", "example+charts", "repo")]);
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const extract = (...args: string[]) => spawnSync("bash", [path.join(ROOT, "scripts/charts/extract.sh"), ...args], { encoding: "utf8" });

    it("extracts the first commit of a version and its dependencies as released, and records where from", () => {
        const out = path.join(tmp, "sources", "app-1.0.0");
        const r = extract(path.join(tmp, "mirrors", "example+charts", "repo"), "charts/app", "1.0.0", out);
        expect(r.status, r.stderr).toBe(0);
        expect(fs.readFileSync(path.join(out, "values.yaml"), "utf8")).toBe("replicas: 1\n");
        expect(parse(fs.readFileSync(path.join(out, "charts", "sub", "Chart.yaml"), "utf8")).version).toBe("0.1.1");
        expect(fs.readFileSync(path.join(out, "charts", "sub", "values.yaml"), "utf8")).toBe("a: 2\n");
        expect(fs.existsSync(path.join(out, "charts", "local", "Chart.yaml"))).toBe(true);
        expect(parse(fs.readFileSync(path.join(out, ".extracted"), "utf8"))).toMatchObject({ repository: "example+charts", path: "charts/app", tag: "none" });
        expect(parse(fs.readFileSync(path.join(out, "charts", "sub", ".extracted"), "utf8"))).toMatchObject({ tag: "sub-0.1.1" });
        expect(r.stderr).toContain("sub 0.1.* -> 0.1.1 (highest released by the parent's commit)");
    });

    it("sets version and appVersion as the release tooling does, for a release tag whose Chart.yaml holds the placeholder", () => {
        const out = path.join(tmp, "sources", "tool-v2.0.0");
        const r = extract(path.join(tmp, "mirrors", "example+charts", "repo"), "deploy/charts/tool", "v2.0.0", out);
        expect(r.status, r.stderr).toBe(0);
        expect(parse(fs.readFileSync(path.join(out, "Chart.yaml"), "utf8"))).toEqual({ apiVersion: "v2", name: "tool", version: "v2.0.0", appVersion: "v2.0.0" });
        expect(fs.readFileSync(path.join(out, "values.yaml"), "utf8")).toBe("image: tool\n");
        expect(parse(fs.readFileSync(path.join(out, ".extracted"), "utf8"))).toMatchObject({ path: "deploy/charts/tool", tag: "v2.0.0" });
        expect(r.stderr).toContain("Chart.yaml at v2.0.0 says v0.0.0 (set at release): version and appVersion set to v2.0.0");
        // Without a release tag of that name the placeholder names no release: refused.
        expect(extract(path.join(tmp, "mirrors", "example+charts", "repo"), "deploy/charts/tool", "v3.0.0", path.join(tmp, "sources", "tool-v3.0.0")).status).toBe(1);
    });

    it("fails, naming it, for a version no commit has", () => {
        const r = extract(path.join(tmp, "mirrors", "example+charts", "repo"), "charts/app", "9.9.9", path.join(tmp, "sources", "app-9.9.9"));
        expect(r.status).toBe(1);
        expect(r.stderr).toContain("no commit of");
        expect(r.stderr).toContain("charts/app/Chart.yaml at version 9.9.9");
    });
});
