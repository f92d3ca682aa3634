import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { isStateless, publicTiers, tierPorts } from "./apps/wiring";
import { CloudflareTunnel } from "./components/addons/cloudflare-tunnel";
import { Monitoring, SCRAPERS } from "./components/addons/monitoring";
import { Application } from "./components/application";
import { readSqlDir } from "./components/sql-seed-job";
import { loadConfig, StackConfig } from "./config";
import { createPlatform, Platform } from "./stacks";

/** Config -> target platform -> the app on it -> outputs. Nothing is registered before config is valid. */
export async function main(): Promise<Record<string, unknown>> {
    const cfg = loadConfig();
    const platform = await createPlatform(cfg);
    const { app } = cfg;

    const images: Record<string, pulumi.Output<string>> = {};
    for (const tier of app.tiers.filter(isStateless)) {
        const tag = cfg.imageTags?.[tier.name] ?? cfg.imageTag;
        images[tier.name] = pulumi.interpolate`${platform.imageRepository(tier.image)}:${tag}`;
    }
    const publicServiceType = publicServiceTypeOf(cfg, platform);
    const routing = platform.routing;

    const application = new Application(
        app.name,
        {
            app,
            namespace: cfg.namespace,
            images,
            replicas: cfg.replicas ?? {},
            storageClass: platform.storageClass,
            storePriorityClassName: platform.priorityClasses.dataStores,
            publicServiceType,
            loadBalancerAnnotations: platform.loadBalancerAnnotations,
            protectData: cfg.protectData,
            credentials: cfg.credentials,
            secrets: cfg.secrets,
            scrapers: cfg.addons.monitoring ? SCRAPERS : undefined,
            sql: app.seed ? readSqlDir(path.join(__dirname, "sql", app.name)) : {},
            routes: app.routes && {
                routing: cfg.routing,
                host: cfg.routeHost ?? app.routes.host,
                className: routeClassName(cfg, routing),
                listenerPort: routing.listenerPort,
                sources: routing.sources,
                ingressAnnotations: routing.ingressAnnotations,
                dependsOn: routing.dependsOn,
            },
        },
        { providers: { kubernetes: platform.provider }, dependsOn: platform.dependsOn },
    );

    const addons = appAddons(cfg, platform, application);

    return {
        target: cfg.target,
        app: app.name,
        namespace: application.namespace.metadata.name,
        frontendUrl: application.publicService && publicUrl(application.publicService),
        routes: app.routes && `http://${cfg.routeHost ?? app.routes.host}/ (${cfg.routing})`,
        images,
        seedJob: application.seedJob?.job.metadata.name,
        addons,
        ...platform.outputs,
    };
}

/** The add-ons that live with the app (monitoring, the tunnel); the target's own ones come with the platform. */
function appAddons(cfg: StackConfig, platform: Platform, application: Application) {
    const { app, addons } = cfg;
    const opts = { providers: { kubernetes: platform.provider }, dependsOn: [application.namespace] };
    const labels = { "app.kubernetes.io/part-of": app.name, "app.kubernetes.io/instance": cfg.namespace };
    if (addons.monitoring && addons.grafanaAdminPassword) {
        const routing = platform.routing;
        new Monitoring(
            "monitoring",
            {
                app,
                namespace: cfg.namespace,
                grafanaAdminPassword: addons.grafanaAdminPassword,
                priorityClassName: platform.priorityClasses.addons,
                labels,
                grafanaRoute: addons.grafanaHost
                    ? {
                          host: addons.grafanaHost,
                          routing: cfg.routing,
                          className: routeClassName(cfg, routing),
                          listenerPort: routing.listenerPort,
                      }
                    : undefined,
            },
            { ...opts, dependsOn: [...opts.dependsOn, ...(routing.dependsOn ?? [])] },
        );
    }
    const [publicTier] = publicTiers(app);
    if (addons.cloudflareTunnelToken && publicTier) {
        new CloudflareTunnel(
            "cloudflared",
            {
                namespace: cfg.namespace,
                token: addons.cloudflareTunnelToken,
                publicTier: tierPorts(publicTier),
                labels,
            },
            opts,
        );
    }
    return {
        metricsServer: addons.metricsServer,
        gateway: addons.gateway,
        monitoring: addons.monitoring,
        cloudflareTunnel: addons.cloudflareTunnelToken !== undefined,
        grafana: addons.monitoring
            ? addons.grafanaHost
                ? `http://${addons.grafanaHost}/`
                : "kubectl port-forward -n monitoring svc/monitoring-grafana 3000:80 (user admin, password: pulumi config get grafanaAdminPassword)"
            : undefined,
    };
}

/** The route class of the chosen routing (Gateway API or Ingress) on this target. */
const routeClassName = (cfg: StackConfig, routing: Platform["routing"]) => (cfg.routing === "gateway" ? routing.gatewayClassName : routing.ingressClassName);

/** Config wins; else what the app's public tier asks for on this kind of target; else a LoadBalancer. */
function publicServiceTypeOf(cfg: StackConfig, platform: Platform) {
    const declared = publicTiers(cfg.app)[0]?.publicServiceType?.[platform.kind];
    return cfg.frontendServiceType ?? declared ?? "LoadBalancer";
}

function publicUrl(svc: import("@pulumi/kubernetes").core.v1.Service): pulumi.Output<string> {
    return pulumi.all([svc.spec, svc.status, svc.metadata]).apply(([spec, status, meta]) => {
        const port = spec.ports[0];
        const ingress = status?.loadBalancer?.ingress?.[0];
        if (spec.type === "LoadBalancer" && ingress) return `http://${ingress.hostname || ingress.ip}:${port.port}`;
        if (spec.type === "NodePort") return `http://<node-ip>:${port.nodePort}`;
        return `kubectl port-forward -n ${meta.namespace} svc/${meta.name} ${port.port}:${port.port}`;
    });
}
