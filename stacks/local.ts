import * as k8s from "@pulumi/kubernetes";
import type { OwnCluster, StackConfig } from "../config";
import { MetricsServer } from "../components/addons/metrics-server";
import { PriorityClasses } from "../components/addons/priority-classes";
import { Traefik } from "../components/addons/traefik";
import { platformOutput } from "./export";
import { localTls, TRAEFIK_HTTPS_PORT } from "./local-tls";
import { Platform } from "./platform";

/** Traefik serves both Gateway API and Ingress; its "web" entrypoint (the Gateway listener) is 8000. */
const LOCAL_ROUTING = { className: "traefik", controllerNamespace: "traefik", listenerPort: 8000 };

/** The registry/org of the app images when the stack sets none. */
export const DEFAULT_IMAGE_REGISTRY = "ticketbuster";

/** An existing cluster reached through a kubeconfig context (Docker Desktop by default). */
export function localPlatform(cfg: StackConfig & OwnCluster & { target: "local" }): Platform {
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
    // With TLS, Traefik also serves its websecure entrypoint (443) and redirects the rest of HTTP there.
    const https = cfg.tls.mode !== "off" ? { port: TRAEFIK_HTTPS_PORT } : undefined;
    const controller = cfg.addons.gateway
        ? new Traefik("traefik", { className, webPort: LOCAL_ROUTING.listenerPort, priorityClassName: priorityClasses.addons, https }, onCluster)
        : undefined;
    const tls = localTls({ choice: cfg.tls, priorityClassName: priorityClasses.addons, controller, className, httpPort: LOCAL_ROUTING.listenerPort, provider });
    const registry = cfg.imageRegistry ?? DEFAULT_IMAGE_REGISTRY;
    const platform: Platform = {
        target: "local",
        provider,
        kind: "local",
        storageClass: cfg.storageClass,
        priorityClasses,
        imageRepository: (image) => `${registry}/${image}`,
        routing: {
            gatewayClassName: className,
            ingressClassName: className,
            listenerPort: LOCAL_ROUTING.listenerPort,
            controllerNamespace,
            sources: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": controllerNamespace } } }],
            dependsOn: controller && [controller],
        },
        tls,
        installed: { metricsServer: cfg.addons.metricsServer, gateway: cfg.addons.gateway, monitoring: cfg.addons.monitoring, logging: cfg.addons.logging },
        addons: { metricsServer, gatewayController: controller },
        outputs: { kubeContext: cfg.kubeContext, ...tls.outputs },
    };
    return {
        ...platform,
        exported: platformOutput(platform, {
            kubernetes: { kubeconfig: cfg.kubeconfig, context: cfg.kubeContext },
            registry: { kind: "prefix", prefix: registry },
            identity: {},
        }),
    };
}
