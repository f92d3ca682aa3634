import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ticketbuster } from "./apps/ticketbuster";
import { TicketBuster } from "./components/ticketbuster";
import { readSqlDir } from "./components/sql-seed-job";
import { loadConfig } from "./config";
import { createPlatform } from "./stacks";

/** Config -> target platform -> the app on it -> outputs. Nothing is registered before config is valid. */
export async function main(): Promise<Record<string, unknown>> {
    const cfg = loadConfig();
    const platform = await createPlatform(cfg);
    const app = ticketbuster;

    const images: Record<string, pulumi.Output<string>> = {};
    for (const tier of app.tiers) {
        if (tier.kind !== "stateless") continue;
        const tag = cfg.imageTags?.[tier.name] ?? cfg.imageTag;
        images[tier.name] = pulumi.interpolate`${platform.imageRepository(tier.image)}:${tag}`;
    }

    const tb = new TicketBuster(
        app.name,
        {
            app,
            namespace: cfg.namespace,
            images,
            replicas: cfg.replicas ?? {},
            storageClass: platform.storageClass,
            publicService: platform.publicService,
            protectData: cfg.protectData,
            credentials: {
                postgres: { username: cfg.dbUsername, password: cfg.secrets.dbPassword },
                rabbitmq: { username: cfg.rabbitmqUsername, password: cfg.secrets.rabbitmqPassword },
            },
            sql: readSqlDir(path.join(__dirname, "sql")),
        },
        { providers: { kubernetes: platform.provider }, dependsOn: platform.dependsOn },
    );

    return {
        target: cfg.target,
        namespace: tb.namespace.metadata.name,
        frontendUrl: publicUrl(tb.publicService),
        images,
        seedJob: tb.seedJob.job.metadata.name,
        ...platform.outputs,
    };
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
