import { z } from "zod";

/** `ticketbuster:gke` (set with `pulumi config set --path gke.<key> <value>`). Filled in by the GKE target. */
export const gkeSchema = z.strictObject({});
export type GkeConfig = z.infer<typeof gkeSchema>;
