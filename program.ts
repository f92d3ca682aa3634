import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { isStateless, publicTiers, tierPorts } from "./apps/wiring";
import { CloudflareTunnel } from "./components/addons/cloudflare-tunnel";
import { CLUSTER_MONITORS } from "./components/addons/cluster-monitors";
import { Logging } from "./components/addons/logging";
import { Monitoring, MonitoringArgs, SCRAPERS } from "./components/addons/monitoring";
import { Application, ReleaseArgs } from "./components/application";
import { appBackups } from "./components/backups";
import { readSqlDir } from "./components/sql-seed-job";
import { AppDeployment, loadConfig, NO_APP, StackConfig } from "./config";
import { defaultHost } from "./config/tls";
import { createPlatform, Platform } from "./stacks";
import { routeTls, routeUrl, tlsOutput } from "./stacks/route-tls";
import { loggingAccess, loggingArgs } from "./stacks/logging";

/**
 * Config -> the platform (the stack's own cluster and add-ons, or the platform stack it references)
 * -> the app on it, if the stack deploys one -> outputs. Nothing is registered before config is valid.
 */
export async function main(): Promise<Record<string, unknown>> {
    const cfg = loadConfig();
    const platform = await createPlatform(cfg);
    const application = cfg.app && deployApp(cfg, cfg.app, platform);
    const addons = addonsBeside(cfg, platform, application);
    return {
        target: platform.target,
        app: cfg.app?.spec.name ?? NO_APP,
        ...(application ? application.outputs : {}),
        addons,
        tls: tlsOutput(platform.tls),
        ...platform.outputs,
        ...(platform.exported ? { platform: platform.exported } : {}),
    };
}

function deployApp(cfg: StackConfig, deployment: AppDeployment, platform: Platform) {
    const { spec: app, namespace } = deployment;
    const images: Record<string, pulumi.Output<string>> = {};
    for (const tier of app.tiers.filter(isStateless)) {
        const tag = cfg.imageTags?.[tier.name] ?? cfg.imageTag;
        images[tier.name] = pulumi.interpolate`${platform.imageRepository(tier.image)}:${tag}`;
    }
    const releases = releasesOf(cfg, deployment, platform);
    const routing = platform.routing;
    const routeHost = cfg.routeHost ?? (app.routes && defaultHost(app.routes.host, platform.tls.choice.dns));
    const resource = new Application(
        app.name,
        {
            app,
            namespace,
            images,
            replicas: cfg.replicas ?? {},
            releases,
            storageClass: platform.storageClass,
            storePriorityClassName: platform.priorityClasses.dataStores,
            publicServiceType: cfg.frontendServiceType ?? publicTiers(app)[0]?.publicServiceType?.[platform.kind] ?? "LoadBalancer",
            loadBalancerAnnotations: platform.loadBalancerAnnotations,
            protectData: cfg.protectData,
            credentials: deployment.credentials,
            secrets: deployment.secrets,
            scrapers: monitorsApp(cfg, platform) ? SCRAPERS : undefined,
            sql: app.seed ? readSqlDir(path.join(__dirname, "sql", app.name)) : {},
            routes: app.routes && {
                routing: cfg.routing,
                host: routeHost!,
                className: routeClassName(cfg, routing),
                listenerPort: routing.listenerPort,
                sources: routing.sources,
                ingressAnnotations: routing.ingressAnnotations,
                dependsOn: routing.dependsOn,
                ...routeTls(platform.tls),
            },
        },
        { providers: { kubernetes: platform.provider }, dependsOn: platform.dependsOn },
    );
    const backups = appBackups(
        {
            enabled: cfg.backup.enabled,
            app,
            namespace,
            owner: { partOf: app.name, instance: namespace },
            schedule: cfg.backup.schedule,
            retentionDays: cfg.backup.retentionDays,
            volume: { size: cfg.backup.size, storageClass: platform.storageClass },
            protectData: cfg.protectData,
            workloadBucket: platform.workloadBucket,
        },
        { providers: { kubernetes: platform.provider }, dependsOn: [resource.namespace] },
    );
    return {
        resource,
        outputs: {
            namespace: resource.namespace.metadata.name,
            backups: backups?.outputs,
            frontendUrl: resource.publicService && publicUrl(resource.publicService),
            routes: app.routes && `${routeUrl(platform.tls, routeHost!)} (${cfg.routing})`,
            images,
            seedJob: resource.seedJob?.job.metadata.name,
        },
    };
}

/** Whether this app gets its monitors: the cluster runs monitoring (and an app stack did not opt out). */
const monitorsApp = (cfg: StackConfig, platform: Platform) => platform.installed.monitoring && (cfg.target !== undefined || cfg.addons.requests.monitoring !== false);

/**
 * The add-ons that live beside the app rather than with the target: monitoring (its server where the
 * stack owns the cluster, the app's monitors where it deploys an app) and the Cloudflare tunnel.
 */
function addonsBeside(cfg: StackConfig, platform: Platform, application?: ReturnType<typeof deployApp>) {
    const app = cfg.app;
    const providers = { kubernetes: platform.provider };
    const labels = app && { "app.kubernetes.io/part-of": app.spec.name, "app.kubernetes.io/instance": app.namespace };
    const server: MonitoringArgs["server"] =
        cfg.target !== undefined && cfg.addons.monitoring && cfg.addons.grafanaAdminPassword
            ? {
                  grafanaAdminPassword: cfg.addons.grafanaAdminPassword,
                  clusterMonitors: CLUSTER_MONITORS[cfg.target],
                  priorityClassName: platform.priorityClasses.addons,
                  grafanaRoute: cfg.addons.grafanaHost
                      ? {
                            host: cfg.addons.grafanaHost,
                            routing: cfg.routing,
                            className: routeClassName(cfg, platform.routing),
                            listenerPort: platform.routing.listenerPort,
                            ingressAnnotations: platform.routing.ingressAnnotations,
                            ...routeTls(platform.tls),
                        }
                      : undefined,
              }
            : undefined;
    const monitors =
        app && labels && monitorsApp(cfg, platform)
            ? { app: app.spec, namespace: app.namespace, labels, releasedTiers: Object.keys(cfg.releases ?? {}), logs: platform.installed.logging }
            : undefined;
    let monitoring: Monitoring | undefined;
    if (server || monitors) {
        const namespace = application ? [application.resource.namespace] : [];
        monitoring = new Monitoring("monitoring", { server, app: monitors }, { providers, dependsOn: [...namespace, ...(platform.routing.dependsOn ?? [])] });
    }
    const logging = loggingArgs(cfg, platform, { labels, grafana: monitoring?.chart });
    if (logging.server || logging.app) new Logging("logging", logging, { providers, dependsOn: platform.dependsOn });
    const [publicTier] = app ? publicTiers(app.spec) : [];
    if (cfg.addons.cloudflareTunnelToken && publicTier && app && labels && application) {
        new CloudflareTunnel(
            "cloudflared",
            { namespace: app.namespace, token: cfg.addons.cloudflareTunnelToken, publicTier: tierPorts(publicTier), labels },
            { providers, dependsOn: [application.resource.namespace] },
        );
    }
    const installed = platform.installed;
    return {
        metricsServer: installed.metricsServer,
        gateway: installed.gateway,
        monitoring: installed.monitoring,
        logging: installed.logging,
        cloudflareTunnel: cfg.addons.cloudflareTunnelToken !== undefined,
        grafana: installed.monitoring ? grafanaAccess(cfg, platform) : undefined,
        logs: installed.logging ? loggingAccess(cfg, installed.monitoring) : undefined,
    };
}

function grafanaAccess(cfg: StackConfig, platform: Platform): string {
    if (cfg.target !== undefined && cfg.addons.grafanaHost) return routeUrl(platform.tls, cfg.addons.grafanaHost);
    const password = cfg.target !== undefined ? "pulumi config get grafanaAdminPassword" : `pulumi config get grafanaAdminPassword --stack ${cfg.platform}`;
    return `kubectl port-forward -n monitoring svc/monitoring-grafana 3000:80 (user admin, password: ${password})`;
}

/** Config `releases`: the new version's image per released tier, from the same repository as the stable one. */
function releasesOf(cfg: StackConfig, deployment: AppDeployment, platform: Platform): Record<string, ReleaseArgs> | undefined {
    if (!cfg.releases) return undefined;
    const app = deployment.spec;
    return Object.fromEntries(
        Object.entries(cfg.releases).map(([name, r]) => {
            const tier = app.tiers.find((t) => t.name === name);
            if (!tier || !isStateless(tier)) throw new Error(`releases.${name}: not a stateless tier of ${app.name}`);
            return [name, { image: pulumi.interpolate`${platform.imageRepository(tier.image)}:${r.imageTag}`, tag: r.imageTag, weight: r.weight, header: r.header }];
        }),
    );
}

/** The route class of the chosen routing (Gateway API or Ingress) on this target. */
const routeClassName = (cfg: StackConfig, routing: Platform["routing"]) => (cfg.routing === "gateway" ? routing.gatewayClassName : routing.ingressClassName);

function publicUrl(svc: import("@pulumi/kubernetes").core.v1.Service): pulumi.Output<string> {
    return pulumi.all([svc.spec, svc.status, svc.metadata]).apply(([spec, status, meta]) => {
        const port = spec.ports[0];
        const ingress = status?.loadBalancer?.ingress?.[0];
        if (spec.type === "LoadBalancer" && ingress) return `http://${ingress.hostname || ingress.ip}:${port.port}`;
        if (spec.type === "NodePort") return `http://<node-ip>:${port.nodePort}`;
        return `kubectl port-forward -n ${meta.namespace} svc/${meta.name} ${port.port}:${port.port}`;
    });
}
