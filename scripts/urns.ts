/**
 * npm run urns [-- --write]: prints how the URNs of every app on every stack file differ from the list
 * test/urns.test.ts keeps (test/fixtures/urns.json); --write replaces the list with the current URNs.
 */
import * as fs from "fs";
import { currentUrns, keptUrns, URNS_FILE } from "../test/urns";

async function main(): Promise<void> {
    const now = await currentUrns();
    if (process.argv.includes("--write")) {
        fs.writeFileSync(URNS_FILE, JSON.stringify(now, null, 2) + "\n");
        console.log(`${Object.values(now).flat().length} URNs of ${Object.keys(now).length} stack/app pairs written to ${URNS_FILE}`);
        return;
    }
    const kept = fs.existsSync(URNS_FILE) ? keptUrns() : {};
    for (const key of Object.keys(now)) {
        const before = new Set(kept[key] ?? []);
        const after = new Set(now[key]);
        for (const urn of before) if (!after.has(urn)) console.log(`- ${key} ${urn}`);
        for (const urn of after) if (!before.has(urn)) console.log(`+ ${key} ${urn}`);
    }
}

main().catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
});
