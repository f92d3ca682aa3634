import type { StackConfig } from "../config";
import type { Platform } from "./platform";

export function gkePlatform(_cfg: StackConfig & { target: "gke" }): Platform {
    throw new Error("target gke is not implemented yet (issue 4)");
}
