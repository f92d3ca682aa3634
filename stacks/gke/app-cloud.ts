import type { PlatformOutput } from "../../config/platform-output";
import type { WorkloadBucketArgs } from "../platform";
import { GcpContext, gcpContext } from "./context";
import { workloadBuckets } from "./workload-bucket";

/**
 * What an app stack on a GKE platform creates in GCP itself, in the platform's project and region
 * through one GCP provider (made on first use): its workload buckets, bound through the platform's
 * Workload Identity pool, and its hosts' certificates and records (HTTPS, stacks/app-tls.ts).
 */
export function gkeAppCloud(identity: NonNullable<PlatformOutput["identity"]["gcp"]>) {
    let x: GcpContext | undefined;
    const context = () => (x ??= gcpContext(identity.project, identity.region));
    return { gcp: context, workloadBucket: (args: WorkloadBucketArgs) => workloadBuckets(context(), identity)(args) };
}
