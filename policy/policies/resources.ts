import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, workloadOf } from "./workloads";

export const containerResources: ResourceValidationPolicy = {
    name: "container-resources",
    description: "Every container requests CPU and memory and has a memory limit (a CPU limit stays optional: it throttles).",
    validateResource: (args, reportViolation) => {
        const workload = workloadOf(args);
        if (!workload) return;
        for (const c of allContainers(workload.spec)) {
            const missing = [
                c.resources?.requests?.cpu === undefined && "requests.cpu",
                c.resources?.requests?.memory === undefined && "requests.memory",
                c.resources?.limits?.memory === undefined && "limits.memory",
            ].filter(Boolean);
            if (missing.length > 0) reportViolation(`${workload.kind} ${workload.name}, container ${c.name}: no ${missing.join(", ")}.`);
        }
    },
};
