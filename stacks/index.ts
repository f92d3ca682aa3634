import type { StackConfig } from "../config";
import type { Platform } from "./platform";

export type { Platform } from "./platform";

/** Loads only the chosen target's module, so a local run never loads a cloud SDK. */
export async function createPlatform(cfg: StackConfig): Promise<Platform> {
    switch (cfg.target) {
        case "local":
            return (await import("./local")).localPlatform(cfg);
        case "eks":
            return (await import("./eks")).eksPlatform(cfg);
        case "gke":
            return (await import("./gke")).gkePlatform(cfg);
    }
}
