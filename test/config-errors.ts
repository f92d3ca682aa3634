import { expect } from "vitest";
import type { RunResult } from "./harness";

/** A bad config: a ConfigError whose message holds every fragment, and not one resource registered. */
export function expectConfigRejected(result: RunResult, fragments: string[]): void {
    expect(result.error?.name).toBe("ConfigError");
    for (const fragment of fragments) expect(result.error?.message).toContain(fragment);
    expect(result.resources).toHaveLength(0);
}
