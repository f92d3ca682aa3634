/**
 * One size of the scaling benchmark, in its own process (peak RSS is per process):
 * `tsx scripts/bench/scaling-run.ts <tiers>` builds the app component for syntheticApp(tiers) under
 * Pulumi mocks and prints one JSON line: resources, seconds until every registration resolved, peak RSS.
 */
import * as pulumi from "@pulumi/pulumi";
import { TicketBuster } from "../../components/ticketbuster";
import { syntheticApp } from "./synthetic-app";

async function main(): Promise<void> {
    const tiers = Number(process.argv[2]);
    let resources = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                resources++;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: () => ({}),
        },
        "bench",
        "scaling",
        false,
    );
    const app = syntheticApp(tiers);
    const started = process.hrtime.bigint();
    const images = Object.fromEntries(app.tiers.map((t) => [t.name, `registry.example/${t.name}:1.0.0`]));
    new TicketBuster(app.name, {
        app,
        namespace: "synthetic",
        images,
        replicas: {},
        publicService: { type: "ClusterIP" },
        protectData: false,
        credentials: { db: { username: "app", password: "bench-password" } },
        sql: { "001.sql": "SELECT 1;" },
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({ tiers, resources, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
