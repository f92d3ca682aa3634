import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "../config";
import { Platform } from "./platform";

/** An existing cluster reached through a kubeconfig context (Docker Desktop by default). */
export function localPlatform(cfg: StackConfig): Platform {
    const provider = new k8s.Provider("local", {
        context: cfg.kubeContext,
        // Undefined falls back to $KUBECONFIG or ~/.kube/config, like kubectl.
        kubeconfig: cfg.kubeconfig,
    });
    return {
        provider,
        storageClass: cfg.storageClass,
        publicService: { type: cfg.frontendServiceType },
        imageRepository: (image) => `${cfg.imageRegistry}/${image}`,
        outputs: { kubeContext: cfg.kubeContext },
    };
}
