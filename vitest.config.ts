import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Pulumi's runtime state is process-global: one file per fork, tests within a file in order.
        pool: "forks",
        testTimeout: 60_000,
        hookTimeout: 120_000,
    },
});
