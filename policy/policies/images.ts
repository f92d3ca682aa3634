import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, workloadOf } from "./workloads";

/** The tag of an image reference, or undefined when it has none (a registry port is not a tag). */
function tagOf(image: string): string | undefined {
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

export const pinnedImages: ResourceValidationPolicy = {
    name: "pinned-images",
    description: "Every container image is pinned: by digest, or by a tag other than `latest`.",
    validateResource: (args, reportViolation) => {
        const workload = workloadOf(args);
        if (!workload) return;
        for (const c of allContainers(workload.spec)) {
            // Unknown during a preview (e.g. a registry URL not created yet): the update checks it again.
            if (typeof c.image !== "string") continue;
            if (c.image.includes("@sha256:")) continue;
            const tag = tagOf(c.image);
            if (tag === undefined || tag === "" || tag === "latest") {
                reportViolation(`${workload.kind} ${workload.name}, container ${c.name}: image "${c.image}" is not pinned (give a version tag or a digest, never latest).`);
            }
        }
    },
};
