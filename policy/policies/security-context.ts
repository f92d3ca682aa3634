import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, workloadOf } from "./workloads";

const ALLOWED_SECCOMP = new Set(["RuntimeDefault", "Localhost"]);

/** The `restricted` Pod Security Standard as the program applies it, plus a read-only root filesystem. */
export const restrictedSecurityContext: ResourceValidationPolicy = {
    name: "restricted-security-context",
    description:
        "Pods run as non-root with a RuntimeDefault (or Localhost) seccomp profile; containers drop ALL capabilities, add none, never escalate privileges and have a read-only root filesystem.",
    validateResource: (args, reportViolation) => {
        const workload = workloadOf(args);
        if (!workload) return;
        const pod = workload.spec.securityContext ?? {};
        for (const c of allContainers(workload.spec)) {
            const sc = c.securityContext ?? {};
            const where = `${workload.kind} ${workload.name}, container ${c.name}`;
            if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) reportViolation(`${where}: runAsNonRoot is not true.`);
            const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
            if (!seccomp || !ALLOWED_SECCOMP.has(seccomp)) reportViolation(`${where}: seccompProfile is ${seccomp ?? "unset"}, not RuntimeDefault.`);
            if (sc.allowPrivilegeEscalation !== false) reportViolation(`${where}: allowPrivilegeEscalation is not false.`);
            if (!sc.capabilities?.drop?.includes("ALL")) reportViolation(`${where}: capabilities do not drop ALL.`);
            if ((sc.capabilities?.add ?? []).length > 0) reportViolation(`${where}: adds capabilities ${sc.capabilities?.add?.join(", ")}.`);
            if (sc.readOnlyRootFilesystem !== true) reportViolation(`${where}: the root filesystem is not read-only.`);
        }
    },
};
