import type { StackConfig } from "../config";
import type { Platform } from "./platform";

export function eksPlatform(_cfg: StackConfig & { target: "eks" }): Platform {
    throw new Error("target eks is not implemented yet (issue 3)");
}
