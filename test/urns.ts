/**
 * The URN of every resource the program registers, per stack file and app, as the real engine names
 * them. A resource whose URN changes is deleted and created again by `pulumi up` (a data volume
 * included), so test/urns.test.ts keeps the list in test/fixtures/urns.json; `npm run urns -- --write`
 * rewrites it after a deliberate change, and the review of that diff is the review of the change.
 */
import * as fs from "fs";
import * as path from "path";
import { APP_NAMES } from "../apps";
import { cloudStateFor } from "./cloud-mocks";
import { runProgram } from "./harness";

export const URN_STACKS = ["dev", "eks", "gke"] as const;
export const URNS_FILE = path.join(__dirname, "fixtures", "urns.json");

/** `<stack>/<app>` -> sorted URNs. */
export type UrnList = Record<string, string[]>;

/** Each stack file as it is, and with every add-on that lives beside the app turned on. */
const VARIANTS: Record<string, { config: Record<string, string>; secrets?: Record<string, string> }> = {
    "": { config: {} },
    "+addons": {
        config: { addons: JSON.stringify({ monitoring: true, grafanaHost: "grafana.example.com" }) },
        secrets: { cloudflareTunnelToken: "test-tunnel-token" },
    },
};

export async function urnsOf(stack: string, app: string, variant = ""): Promise<string[]> {
    const { config, secrets } = VARIANTS[variant];
    const run = await runProgram({ stack, config: { app, ...config }, secrets, state: cloudStateFor(stack) });
    if (run.error) throw run.error;
    return run.resources.map((r) => r.urn).sort();
}

export async function currentUrns(): Promise<UrnList> {
    const list: UrnList = {};
    for (const stack of URN_STACKS) {
        for (const app of APP_NAMES) for (const variant of Object.keys(VARIANTS)) list[`${stack}/${app}${variant}`] = await urnsOf(stack, app, variant);
    }
    return list;
}

export const keptUrns = (): UrnList => JSON.parse(fs.readFileSync(URNS_FILE, "utf8")) as UrnList;
