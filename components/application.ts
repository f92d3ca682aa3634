import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppSpec, ServiceType, StoreTier } from "../apps/types";
import {
    clientPorts,
    dependencyEdges,
    dependencyEnv,
    hostOf,
    isStateless,
    isStore,
    publicTiers,
    routedTiers,
    secretEnv,
    servicePortOf,
    storeByName,
    startOrder,
    tierByName,
    tierPorts,
    waitsFor,
} from "../apps/wiring";
import type { Routing } from "../config/schema";
import { CanaryRelease, canaryName, stableName } from "./canary-release";
import { DataStore } from "./data-store";
import type { HostTlsFactory } from "./host-tls";
import { NetworkPolicies, NetworkPoliciesArgs } from "./network-policies";
import { contentHash, labelsFor, Ownership } from "./pod";
import { POSTGRES_UID } from "./postgres";
import { Routes } from "./routes";
import { SqlSeedJob } from "./sql-seed-job";
import { StatelessService } from "./stateless-service";
import { connectionUri, createStore } from "./stores";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

export interface ApplicationArgs {
    app: AppSpec;
    namespace: string;
    /** Full image reference per stateless tier. */
    images: Record<string, pulumi.Input<string>>;
    /** Replica count per stateless tier (for an autoscaled tier: the HPA's floor). */
    replicas: Record<string, number>;
    storageClass?: pulumi.Input<string>;
    /** The data stores' PriorityClass (the platform's); left out, they get the cluster's default priority. */
    storePriorityClassName?: pulumi.Input<string>;
    /** The Service type of the public tier (others are ClusterIP). */
    publicServiceType: ServiceType;
    loadBalancerAnnotations?: Record<string, string>;
    protectData: boolean;
    /** Per data store: the values of its credentials Secret. */
    credentials: Record<string, { username: string; password: pulumi.Input<string> }>;
    /** The app's own secrets, by config key. */
    secrets: Record<string, pulumi.Input<string>>;
    /** Seed SQL, file name -> content, applied in name order (when the app declares a seed). */
    sql: Record<string, string>;
    /** Who scrapes the tiers' metrics ports (the monitoring add-on); left out, nobody. */
    scrapers?: Peer[];
    /** Per stateless tier being released (config `releases`): the new image and its share. */
    releases?: Record<string, ReleaseArgs>;
    routes?: {
        routing: Routing;
        host: string;
        className: string;
        listenerPort: number;
        sources: Peer[];
        ingressAnnotations?: Record<string, string>;
        /** The controller (and its CRDs) the routes wait for. */
        dependsOn?: pulumi.Resource[];
        /** HTTPS for the host (stacks/ make the certificate); left out, plain HTTP. */
        tls?: HostTlsFactory;
        /** Annotations of the route objects (e.g. that plain HTTP was chosen). */
        annotations?: Record<string, string>;
        /** Pods the controller must reach besides the routed tiers (the ACME HTTP-01 solver's). */
        routedPods?: NetworkPoliciesArgs["routedPods"];
    };
}

export interface ReleaseArgs {
    image: pulumi.Input<string>;
    tag: string;
    weight: number;
    header: { name: string; value: string };
}

/** Any application of the catalog in one namespace: its tiers, config, secrets, policies and routes. */
export class Application extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly tiers: Record<string, StatelessService | DataStore> = {};
    readonly canaries: Record<string, CanaryRelease> = {};
    readonly publicService?: k8s.core.v1.Service;
    readonly seedJob?: SqlSeedJob;
    readonly routes?: Routes;

    constructor(name: string, args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        // The alias keeps stacks made before the catalog (type TicketBuster) from replacing every object.
        super("ticketbuster:app:Application", name, {}, { ...opts, aliases: [{ type: "ticketbuster:app:TicketBuster" }, ...(opts?.aliases ?? [])] });
        const { app } = args;
        const owner: Ownership = { partOf: app.name, instance: args.namespace };
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
            // Deleting a namespace deletes every claim in it: with protectData the namespace stays too,
            // so the volumes kept on destroy survive it (and the next up adopts them again).
            { ...child, retainOnDelete: args.protectData },
        );
        const namespace = this.namespace.metadata.name;
        const inNamespace = { parent: this, dependsOn: [this.namespace] };

        const secrets = [...this.storeSecrets(args, owner, namespace, inNamespace), ...this.appSecrets(args, owner, namespace, inNamespace)];
        const appConfig = new k8s.core.v1.ConfigMap(
            "app-config",
            { metadata: { name: "app-config", namespace, labels: labelsFor(owner, "app-config", "config") }, data: app.sharedConfig },
            inNamespace,
        );
        const configChecksum = contentHash(JSON.stringify(app.sharedConfig));
        const ready = { ...inNamespace, dependsOn: [this.namespace, ...secrets, appConfig] };

        // Stores first, then each tier after what it waits for (see AppSpec.rolloutInOrder).
        for (const tier of startOrder(app)) {
            const opts = { ...ready, dependsOn: [...ready.dependsOn, ...waitsFor(app, tier).map((d) => this.tiers[d])] };
            if (isStore(tier)) {
                this.tiers[tier.name] = createStore(
                    tier,
                    { namespace, owner, storageClass: args.storageClass, protectData: args.protectData, priorityClassName: args.storePriorityClassName },
                    opts,
                );
                continue;
            }
            const replicas = args.replicas[tier.name] ?? tier.replicas;
            const env = [...dependencyEnv(app, tier.dependsOn), ...secretEnv(app, tier.secrets)];
            const service = new StatelessService(
                tier.name,
                {
                    namespace,
                    owner,
                    tier,
                    image: args.images[tier.name],
                    replicas,
                    env,
                    configMapName: appConfig.metadata.name,
                    configChecksum,
                    publicServiceType: args.publicServiceType,
                    loadBalancerAnnotations: args.loadBalancerAnnotations,
                },
                opts,
            );
            this.tiers[tier.name] = service;
            if (tier.public) this.publicService = service.service;

            const release = args.releases?.[tier.name];
            if (release) {
                this.canaries[tier.name] = new CanaryRelease(
                    canaryName(tier.name),
                    {
                        namespace,
                        owner,
                        tier,
                        image: release.image,
                        tag: release.tag,
                        weight: release.weight,
                        stableReplicas: Math.max(replicas, tier.autoscaling?.minReplicas ?? 0),
                        routed: args.routes !== undefined && routedTiers(app).some((t) => t.name === tier.name),
                        serviceAccountName: service.account.metadata.name,
                        env,
                        configMapName: appConfig.metadata.name,
                        configChecksum,
                    },
                    // After the stable tier: a release never starts before the version it is compared with.
                    { ...opts, dependsOn: [...(opts.dependsOn as pulumi.Resource[]), service] },
                );
            }
        }

        if (app.seed && Object.keys(args.sql).length > 0) this.seedJob = this.seed(args, owner, namespace, ready);

        new NetworkPolicies(
            "network-policies",
            {
                namespace,
                edges: dependencyEdges(app),
                publicTiers: publicTiers(app).map(tierPorts),
                routedTiers: args.routes ? routedTiers(app) : [],
                routeSources: args.routes?.sources ?? [],
                ...(args.routes?.routedPods ? { routedPods: args.routes.routedPods } : {}),
                external: Object.fromEntries(app.tiers.filter(isStateless).filter((t) => t.external?.length).map((t) => [t.name, t.external ?? []])),
                scrapers: args.scrapers,
                metricsTiers: app.tiers.filter(isStateless).flatMap((t) => {
                    const port = t.metrics && t.ports.find((p) => p.name === t.metrics?.port);
                    return port ? [{ name: t.name, ports: [port.port] }] : [];
                }),
            },
            inNamespace,
        );

        if (app.routes && args.routes) {
            const r = args.routes;
            this.routes = new Routes(
                "routes",
                {
                    namespace,
                    owner,
                    host: r.host,
                    paths: app.routes.paths.map(({ path, tier }) => {
                        const target = tierByName(app, tier);
                        const release = args.releases?.[tier];
                        const canary = release && {
                            stableService: stableName(tier),
                            canaryService: canaryName(tier),
                            weight: release.weight,
                            header: release.header,
                        };
                        return { path, service: hostOf(target), port: servicePortOf(clientPorts(target)[0]), canary };
                    }),
                    routing: r.routing,
                    className: r.className,
                    listenerPort: r.listenerPort,
                    ingressAnnotations: r.ingressAnnotations,
                    tls: r.tls,
                    annotations: r.annotations,
                },
                // After the Services they point at; before the controller on destroy (so its load balancer goes first).
                {
                    ...inNamespace,
                    dependsOn: [
                        this.namespace,
                        ...app.routes.paths.map((p) => this.tiers[p.tier]),
                        // Traffic moves to a canary once its pods are Ready.
                        ...Object.values(this.canaries),
                        ...(r.dependsOn ?? []),
                    ],
                },
            );
        }

        this.registerOutputs({ namespace, publicService: this.publicService?.metadata.name });
    }

    /** One Secret per store: username, password and, when dependents get a URI, the URI. */
    private storeSecrets(args: ApplicationArgs, owner: Ownership, namespace: pulumi.Output<string>, opts: pulumi.CustomResourceOptions) {
        return args.app.tiers.filter(isStore).flatMap((tier: StoreTier<string>) => {
            const c = tier.credentials;
            const values = args.credentials[tier.name];
            if (!c) return [];
            if (!values) throw new Error(`no credentials given for data store ${tier.name}`);
            const password = pulumi.secret(values.password);
            return [
                new k8s.core.v1.Secret(
                    c.secretName,
                    {
                        metadata: { name: c.secretName, namespace, labels: labelsFor(owner, tier.name, "credentials") },
                        type: "Opaque",
                        stringData: {
                            username: values.username,
                            password,
                            ...(tier.uriEnv ? { uri: connectionUri(tier, values.username, password) } : {}),
                        },
                    },
                    opts,
                ),
            ];
        });
    }

    /** The app's own secrets (JWT keys, API keys), one Secret each. */
    private appSecrets(args: ApplicationArgs, owner: Ownership, namespace: pulumi.Output<string>, opts: pulumi.CustomResourceOptions) {
        return (args.app.secrets ?? []).map((s) => {
            const value = args.secrets[s.configKey];
            if (value === undefined) throw new Error(`no value given for secret ${s.configKey}`);
            return new k8s.core.v1.Secret(
                s.name,
                {
                    metadata: { name: s.name, namespace, labels: labelsFor(owner, s.name, "credentials") },
                    type: "Opaque",
                    stringData: { [s.key]: pulumi.secret(value) },
                },
                opts,
            );
        });
    }

    private seed(args: ApplicationArgs, owner: Ownership, namespace: pulumi.Output<string>, ready: pulumi.CustomResourceOptions): SqlSeedJob {
        const seed = args.app.seed!;
        const db = storeByName(args.app, seed.store);
        const secret = db.credentials?.secretName;
        if (db.kind !== "postgres" || !secret) throw new Error(`seed of ${args.app.name}: ${db.name} is not a PostgreSQL store with credentials`);
        const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
        return new SqlSeedJob(
            seed.name,
            {
                namespace,
                owner,
                name: seed.name,
                sql: args.sql,
                // The server image has psql and pg_isready.
                image: db.image,
                env: [
                    { name: "PGHOST", value: hostOf(db) },
                    { name: "PGPORT", value: String(servicePortOf(db.ports[0])) },
                    { name: "PGDATABASE", value: db.database ?? "postgres" },
                    fromSecret("PGUSER", "username"),
                    fromSecret("PGPASSWORD", "password"),
                ],
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                uid: POSTGRES_UID,
            },
            { ...ready, dependsOn: [...(ready.dependsOn as pulumi.Resource[]), this.tiers[db.name]] },
        );
    }
}
