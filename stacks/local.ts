import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "../config";
import { Platform } from "./platform";

/** Traefik serves both Gateway API and Ingress; its "web" entrypoint (the Gateway listener) is 8000. */
const LOCAL_ROUTING = { className: "traefik", controllerNamespace: "traefik", listenerPort: 8000 };

/** An existing cluster reached through a kubeconfig context (Docker Desktop by default). */
export function localPlatform(cfg: StackConfig): Platform {
    const provider = new k8s.Provider("local", {
        context: cfg.kubeContext,
        // Undefined falls back to $KUBECONFIG or ~/.kube/config, like kubectl.
        kubeconfig: cfg.kubeconfig,
    });
    const className = cfg.routeClassName ?? LOCAL_ROUTING.className;
    const controllerNamespace = cfg.routeControllerNamespace ?? LOCAL_ROUTING.controllerNamespace;
    return {
        provider,
        kind: "local",
        storageClass: cfg.storageClass,
        imageRepository: (image) => `${cfg.imageRegistry}/${image}`,
        routing: {
            gatewayClassName: className,
            ingressClassName: className,
            listenerPort: LOCAL_ROUTING.listenerPort,
            sources: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": controllerNamespace } } }],
        },
        outputs: { kubeContext: cfg.kubeContext },
    };
}
