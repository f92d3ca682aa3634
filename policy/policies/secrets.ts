import type { ResourceValidationPolicy } from "@pulumi/policy";

const isSecret = (type: string, props: Record<string, any>) =>
    type === "kubernetes:core/v1:Secret" || (type.startsWith("kubernetes:") && props.apiVersion === "v1" && props.kind === "Secret");

/**
 * The Kubernetes SDK's Secret marks `data` and `stringData` as secret outputs, so the state holds them
 * encrypted. A Secret made another way (a CustomResource of kind Secret, a resource with
 * additionalSecretOutputs overridden) would keep its values in plain text in the state and in diffs.
 */
export const noPlaintextSecretData: ResourceValidationPolicy = {
    name: "no-plaintext-secret-data",
    description: "A Kubernetes Secret's stringData and data are Pulumi secrets (encrypted in the state), never plain text.",
    validateResource: (args, reportViolation) => {
        const props = args.props as Record<string, any>;
        if (!isSecret(args.type, props)) return;
        for (const field of ["stringData", "data"]) {
            if (props[field] !== undefined && !args.opts.additionalSecretOutputs.includes(field)) {
                reportViolation(`Secret ${props.metadata?.name ?? args.name}: ${field} would be stored in plain text in the Pulumi state; create it with k8s.core.v1.Secret (which marks ${field} secret) or pass additionalSecretOutputs: ["${field}"].`);
            }
        }
    },
};
