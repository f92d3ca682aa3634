import type { OnPlatform, OwnCluster, StackConfig } from "../config";
import type { Platform } from "./platform";

export type { Platform } from "./platform";

/** Loads only the chosen target's module, so a local run never loads a cloud SDK. */
export async function createPlatform(cfg: StackConfig): Promise<Platform> {
    if (cfg.target === undefined) return (await import("./reference")).referencedPlatform(cfg as StackConfig & OnPlatform);
    const own = cfg as StackConfig & OwnCluster;
    switch (own.target) {
        case "local":
            return (await import("./local")).localPlatform(own);
        case "eks":
            return (await import("./eks")).eksPlatform(own);
        case "gke":
            return (await import("./gke")).gkePlatform(own);
    }
}
