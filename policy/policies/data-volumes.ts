import type { ResourceValidationPolicy } from "@pulumi/policy";
import { kubernetesKind } from "./workloads";

/** The label the program puts on its data stores' objects. */
export const DATASTORE_LABEL = { key: "app.kubernetes.io/component", value: "datastore" };

export interface DataVolumesConfig {
    protectData?: boolean;
}

export const protectedDataVolumes: ResourceValidationPolicy = {
    name: "protected-data-volumes",
    description: `With protectData on, every data-store PersistentVolumeClaim (label ${DATASTORE_LABEL.key}=${DATASTORE_LABEL.value}) has the protect option.`,
    configSchema: {
        properties: {
            protectData: { type: "boolean", default: false, description: "The stack's ticketbuster:protectData (set it in the policy config per stack)." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (kubernetesKind(args.type) !== "PersistentVolumeClaim") return;
        if (!args.getConfig<DataVolumesConfig>().protectData) return;
        const meta = (args.props as { metadata?: { name?: string; labels?: Record<string, string> } }).metadata;
        if (meta?.labels?.[DATASTORE_LABEL.key] !== DATASTORE_LABEL.value) return;
        if (!args.opts.protect) reportViolation(`PersistentVolumeClaim ${meta?.name ?? args.name} holds a data store and protectData is on, but the resource is not protected.`);
    },
};
