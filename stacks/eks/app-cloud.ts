import type { PlatformOutput } from "../../config/platform-output";
import type { WorkloadBucketArgs } from "../platform";
import { appRepositories } from "./app-repositories";
import { AwsContext, awsContext } from "./context";
import { workloadBuckets } from "./workload-bucket";

/**
 * What an app stack on an EKS platform creates in AWS itself, in the platform's region through one AWS
 * provider (made on first use): its ECR repositories and its workload buckets (IRSA through the
 * platform cluster's OIDC provider), and its hosts' certificates and records (HTTPS, stacks/app-tls.ts).
 */
export function eksAppCloud(out: PlatformOutput) {
    const identity = out.identity.aws;
    const region = identity?.region ?? (out.registry.kind === "ecr" ? out.registry.region : undefined);
    if (region === undefined) throw new Error(`the platform stack ${out.stack} exports no AWS region (identity.aws)`);
    let x: AwsContext | undefined;
    const context = () => (x ??= awsContext(region));
    return {
        aws: context,
        repositories: (policy: { keepImages: number; forceDelete: boolean }, images: string[]) => appRepositories(context(), policy, images),
        workloadBucket: identity && ((args: WorkloadBucketArgs) => workloadBuckets(context(), identity)(args)),
    };
}
