import { z } from "zod";

/** `ticketbuster:eks` (set with `pulumi config set --path eks.<key> <value>`). Filled in by the EKS target. */
export const eksSchema = z.strictObject({});
export type EksConfig = z.infer<typeof eksSchema>;
