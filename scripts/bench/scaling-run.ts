/**
 * One size of the scaling benchmark, in its own process (peak RSS is per process):
 * `tsx scripts/bench/scaling-run.ts <tiers>` builds the app component for syntheticApp(tiers) under
 * Pulumi mocks and prints one JSON line: resources, seconds until every registration resolved, peak RSS.
 */
import * as pulumi from "@pulumi/pulumi";
import { Application } from "../../components/application";
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
    new Application(app.name, {
        app,
        namespace: "synthetic",
        images,
        replicas: {},
        publicServiceType: "ClusterIP",
        protectData: false,
        credentials: {},
        secrets: {},
        sql: {},
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({ tiers, resources, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
