import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, workloadOf } from "./workloads";

export const noHostAccess: ResourceValidationPolicy = {
    name: "no-host-access",
    description: "No hostPath volume, host network, PID or IPC namespace, and no privileged container.",
    validateResource: (args, reportViolation) => {
        const workload = workloadOf(args);
        if (!workload) return;
        const where = `${workload.kind} ${workload.name}`;
        for (const v of workload.spec.volumes ?? []) if (v.hostPath !== undefined) reportViolation(`${where}: volume ${v.name} is a hostPath.`);
        for (const ns of ["hostNetwork", "hostPID", "hostIPC"] as const) if (workload.spec[ns] === true) reportViolation(`${where}: ${ns} is true.`);
        for (const c of allContainers(workload.spec)) {
            if (c.securityContext?.privileged === true) reportViolation(`${where}, container ${c.name}: privileged.`);
        }
    },
};
