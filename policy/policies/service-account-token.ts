import type { ResourceValidationPolicy } from "@pulumi/policy";
import { kubernetesKind, workloadOf } from "./workloads";

/** Declares that a ServiceAccount or pod needs its API token, and why (the value is the reason). */
export const TOKEN_DECLARATION = "ticketbuster.io/service-account-token";

export const noServiceAccountToken: ResourceValidationPolicy = {
    name: "no-service-account-token",
    description: `ServiceAccounts and pods set automountServiceAccountToken: false, unless annotated ${TOKEN_DECLARATION}: <reason>.`,
    validateResource: (args, reportViolation) => {
        if (kubernetesKind(args.type) === "ServiceAccount") {
            const props = args.props as { metadata?: { name?: string; annotations?: Record<string, string> }; automountServiceAccountToken?: boolean };
            if (props.automountServiceAccountToken !== false && !props.metadata?.annotations?.[TOKEN_DECLARATION]?.trim()) {
                reportViolation(`ServiceAccount ${props.metadata?.name ?? args.name}: automountServiceAccountToken is not false and no ${TOKEN_DECLARATION} annotation says why.`);
            }
            return;
        }
        const workload = workloadOf(args);
        if (!workload) return;
        if (workload.spec.automountServiceAccountToken !== false && !workload.annotations[TOKEN_DECLARATION]?.trim()) {
            reportViolation(`${workload.kind} ${workload.name}: the pod mounts a service account token (automountServiceAccountToken is not false) and no ${TOKEN_DECLARATION} annotation says why.`);
        }
    },
};
