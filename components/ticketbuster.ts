import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppSpec, StatefulTier, StatelessTier, Tier } from "../apps/types";
import { dependencyEnv, ingressEdges, tierByName } from "../apps/wiring";
import { NetworkPolicies } from "./network-policies";
import { contentHash, labelsFor } from "./pod";
import { Postgres, POSTGRES_UID } from "./postgres";
import { RabbitMQ } from "./rabbitmq";
import { SqlSeedJob } from "./sql-seed-job";
import { StatelessService } from "./stateless-service";

export interface Credentials {
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
}

export interface TicketBusterArgs<N extends string> {
    app: AppSpec<N>;
    namespace: string;
    /** Full image reference per stateless tier. */
    images: Record<string, pulumi.Input<string>>;
    /** Replica count per stateless tier (for an autoscaled tier: the HPA's floor). */
    replicas: Record<string, number>;
    storageClass?: pulumi.Input<string>;
    publicService: { type: "LoadBalancer" | "NodePort" | "ClusterIP"; annotations?: Record<string, string> };
    protectData: boolean;
    /** Per data tier: the values of its credentials Secret. */
    credentials: Partial<Record<N, Credentials>>;
    /** Seed SQL, file name -> content, applied in name order. */
    sql: Record<string, string>;
}

/** The whole TicketBuster application in one namespace: every tier, its config, secrets and policies. */
export class TicketBuster<N extends string> extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly tiers: Record<string, pulumi.ComponentResource> = {};
    readonly publicService: k8s.core.v1.Service;
    readonly seedJob: SqlSeedJob;

    constructor(name: string, args: TicketBusterArgs<N>, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:app:TicketBuster", name, {}, opts);
        const { app } = args;
        const child = { parent: this };

        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: args.namespace,
                    labels: {
                        "app.kubernetes.io/part-of": app.name,
                        // Every pod here meets the "restricted" Pod Security Standard; the API server enforces it.
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/enforce-version": "latest",
                    },
                },
            },
            child,
        );
        const namespace = this.namespace.metadata.name;
        const inNamespace = { parent: this, dependsOn: [this.namespace] };

        const secrets = (Object.entries(args.credentials) as [N, Credentials][]).map(([tierName, creds]) => {
            const tier = dataTier(app, tierName);
            return new k8s.core.v1.Secret(
                tier.credentialsSecret,
                {
                    metadata: { name: tier.credentialsSecret, namespace, labels: labelsFor(app.name, tier.name, "credentials") },
                    type: "Opaque",
                    stringData: { username: creds.username, password: pulumi.secret(creds.password) },
                },
                inNamespace,
            );
        });

        const appConfig = new k8s.core.v1.ConfigMap(
            "app-config",
            { metadata: { name: "app-config", namespace, labels: labelsFor(app.name, "app-config", "config") }, data: app.sharedConfig },
            inNamespace,
        );
        const configChecksum = contentHash(JSON.stringify(app.sharedConfig));
        const ready = { ...inNamespace, dependsOn: [this.namespace, ...secrets, appConfig] };

        // Data tiers first, so the tiers that declare them as dependencies can wait for them.
        for (const tier of app.tiers.filter((t): t is StatefulTier<N> => t.kind !== "stateless")) {
            const common = { namespace, partOf: app.name, tier, storageClass: args.storageClass, protectData: args.protectData };
            this.tiers[tier.name] =
                tier.kind === "postgres"
                    ? new Postgres(tier.name, { ...common, databaseName: app.database.name }, ready)
                    : new RabbitMQ(tier.name, common, ready);
        }

        let publicService: k8s.core.v1.Service | undefined;
        for (const tier of app.tiers.filter((t): t is StatelessTier<N> => t.kind === "stateless")) {
            const service = new StatelessService(
                tier.name,
                {
                    namespace,
                    partOf: app.name,
                    tier,
                    image: args.images[tier.name],
                    replicas: args.replicas[tier.name] ?? tier.replicas,
                    env: dependencyEnv(app, tier.dependsOn),
                    configMapName: appConfig.metadata.name,
                    configChecksum,
                    serviceType: args.publicService.type,
                    serviceAnnotations: args.publicService.annotations,
                },
                { ...ready, dependsOn: [...ready.dependsOn, ...this.dataDependencies(app, tier)] },
            );
            this.tiers[tier.name] = service;
            if (tier.public) publicService = service.service;
        }
        if (!publicService) throw new Error(`app ${app.name} declares no public tier`);
        this.publicService = publicService;

        const seed = app.jobs.seed;
        const database = dataTier(app, app.database.tier);
        this.seedJob = new SqlSeedJob(
            seed.name,
            {
                namespace,
                partOf: app.name,
                name: seed.name,
                sql: args.sql,
                image: database.image,
                env: dependencyEnv(app, seed.dependsOn),
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                uid: POSTGRES_UID,
            },
            { ...ready, dependsOn: [...ready.dependsOn, ...seed.dependsOn.map((d) => this.tiers[d])] },
        );

        new NetworkPolicies(
            "network-policies",
            {
                namespace,
                edges: ingressEdges(app),
                publicTiers: app.tiers
                    .filter((t) => t.kind === "stateless" && t.public)
                    .map((t) => ({ name: t.name, ports: t.ports.map((p) => p.port) })),
            },
            inNamespace,
        );

        this.registerOutputs({ namespace, publicService: this.publicService.metadata.name });
    }

    /** Stateless tiers wait for the data tiers they declare (Kubernetes would converge anyway, but slower). */
    private dataDependencies(app: AppSpec<N>, tier: Tier<N>): pulumi.Resource[] {
        return tier.dependsOn.filter((d) => tierByName(app, d).kind !== "stateless").map((d) => this.tiers[d]);
    }
}

function dataTier<N extends string>(app: AppSpec<N>, name: N): StatefulTier<N> {
    const tier = tierByName(app, name);
    if (tier.kind === "stateless") throw new Error(`"${name}" is not a data tier of ${app.name}`);
    return tier;
}
