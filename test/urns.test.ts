import { describe, expect, it } from "vitest";
import { currentUrns, keptUrns } from "./urns";

/**
 * Every resource of the five apps on the dev, eks and gke stack files (as they are, and with the add-ons beside the app on) keeps its URN: a changed URN is
 * a delete and a create on the next `pulumi up` (data volumes included). Additions are reviewed too:
 * `npm run urns -- --write` records them.
 */
describe("URN stability of the all-in-one stacks", () => {
    it("registers exactly the URNs of test/fixtures/urns.json for every app on every stack", async () => {
        const kept = keptUrns();
        const now = await currentUrns();
        expect(Object.keys(now).sort()).toEqual(Object.keys(kept).sort());
        for (const key of Object.keys(kept)) {
            const removed = kept[key].filter((u) => !now[key].includes(u));
            const added = now[key].filter((u) => !kept[key].includes(u));
            expect({ key, removed, added }).toEqual({ key, removed: [], added: [] });
        }
    }, 300_000);
});
