import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "../config";
import { MetricsServer } from "../components/addons/metrics-server";
import { PriorityClasses } from "../components/addons/priority-classes";
import { Traefik } from "../components/addons/traefik";
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
    const onCluster = { providers: { kubernetes: provider } };
    const priorityClasses = new PriorityClasses("priority-classes", {}, onCluster).names;
    // Docker Desktop has no metrics-server, and its kubelet's certificate cannot be verified.
    const metricsServer = cfg.addons.metricsServer ? new MetricsServer("metrics-server", { kubeletInsecureTls: true }, onCluster) : undefined;
    const controller = cfg.addons.gateway
        ? new Traefik("traefik", { className, webPort: LOCAL_ROUTING.listenerPort, priorityClassName: priorityClasses.addons }, onCluster)
        : undefined;
    return {
        provider,
        kind: "local",
        storageClass: cfg.storageClass,
        priorityClasses,
        imageRepository: (image) => `${cfg.imageRegistry}/${image}`,
        routing: {
            gatewayClassName: className,
            ingressClassName: className,
            listenerPort: LOCAL_ROUTING.listenerPort,
            sources: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": controllerNamespace } } }],
            dependsOn: controller && [controller],
        },
        addons: { metricsServer, gatewayController: controller },
        outputs: { kubeContext: cfg.kubeContext },
    };
}
