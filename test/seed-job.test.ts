import * as path from "path";
import { describe, expect, it } from "vitest";
import { readSqlDir, SqlSeedJob } from "../components/sql-seed-job";
import { one, plain, runProgram } from "./harness";

const env = [{ name: "PGHOST", value: "postgres" }];

async function seedJobFor(sql: Record<string, string>) {
    const result = await runProgram({ stack: "dev" }, async () => {
        new SqlSeedJob("db-seed", {
            namespace: "ns",
            owner: { partOf: "ticketbuster", instance: "ns" },
            name: "db-seed",
            sql,
            image: "postgres:16.6-alpine",
            env,
            resources: { requests: { cpu: "50m", memory: "64Mi" } },
            uid: 70,
        });
        return {};
    });
    if (result.error) throw result.error;
    return {
        job: plain(one(result.resources, "kubernetes:batch/v1:Job").inputs),
        configMap: plain(one(result.resources, "kubernetes:core/v1:ConfigMap").inputs),
    };
}

describe("SQL seed Job", () => {
    it("loads every sql/ file, in name order, into an immutable ConfigMap", async () => {
        const files = readSqlDir(path.join(__dirname, "..", "sql", "ticketbuster"));
        expect(Object.keys(files)).toEqual(["001_init.sql", "002_add_events.sql"]);
        const { configMap, job } = await seedJobFor(files);
        expect(configMap.data).toEqual(files);
        expect(configMap.immutable).toBe(true);
        const volume = job.spec.template.spec.volumes.find((v: any) => v.name === "sql");
        expect(volume.configMap.name).toBe(configMap.metadata.name);
    });

    it("names Job and ConfigMap after the SQL: same SQL, same name; changed SQL, new name", async () => {
        const a = await seedJobFor({ "001.sql": "SELECT 1;" });
        const again = await seedJobFor({ "001.sql": "SELECT 1;" });
        const changed = await seedJobFor({ "001.sql": "SELECT 2;" });
        const renamed = await seedJobFor({ "002.sql": "SELECT 1;" });
        expect(a.job.metadata.name).toMatch(/^db-seed-[0-9a-f]{10}$/);
        expect(again.job.metadata.name).toBe(a.job.metadata.name);
        expect(changed.job.metadata.name).not.toBe(a.job.metadata.name);
        expect(renamed.job.metadata.name).not.toBe(a.job.metadata.name);
        expect(changed.configMap.metadata.name).not.toBe(a.configMap.metadata.name);
    });

    it("waits for the database, then runs each file with ON_ERROR_STOP in one transaction", async () => {
        const { job } = await seedJobFor({ "001.sql": "SELECT 1;" });
        const container = job.spec.template.spec.containers[0];
        const script: string = container.command.join(" ");
        expect(script).toMatch(/until pg_isready/);
        expect(script).toMatch(/psql -v ON_ERROR_STOP=1 --single-transaction/);
        expect(script.indexOf("pg_isready")).toBeLessThan(script.indexOf("psql -v"));
        expect(container.env).toEqual(env);
        // A self-deleting Job (ttlSecondsAfterFinished) would show as drift on the next refresh.
        expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
        expect(job.spec.backoffLimit).toBeGreaterThan(0);
    });

    it("refuses an empty SQL directory", () => {
        expect(() => readSqlDir(path.join(__dirname))).toThrow(/no \.sql files/);
    });
});
