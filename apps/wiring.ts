import type * as k8s from "@pulumi/kubernetes";
import { AppSpec, PortSpec, StatelessTier, StoreTier, Tier } from "./types";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export function tierByName<N extends string>(app: AppSpec<N>, name: N): Tier<N> {
    const tier = app.tiers.find((t) => t.name === name);
    if (!tier) throw new Error(`app spec ${app.name}: no tier named "${name}"`);
    return tier;
}

export const isStore = <N extends string>(t: Tier<N>): t is StoreTier<N> => t.kind !== "stateless";
export const isStateless = <N extends string>(t: Tier<N>): t is StatelessTier<N> => t.kind === "stateless";

export function storeByName<N extends string>(app: AppSpec<N>, name: N): StoreTier<N> {
    const tier = tierByName(app, name);
    if (!isStore(tier)) throw new Error(`"${name}" is not a data store of ${app.name}`);
    return tier;
}

/** The host dependents use: the Service's name. */
export const hostOf = (tier: Tier<string>): string => tier.serviceName ?? tier.name;
/** The port a client dials: the Service's. */
export const servicePortOf = (port: PortSpec): number => port.servicePort ?? port.port;
/** Ports other pods may use (admin ports are for port-forward only). */
export const clientPorts = (tier: Tier<string>): PortSpec[] => tier.ports.filter((p) => !p.admin);

/**
 * The env vars a workload gets for one dependency. Naming: <PREFIX>_HOST, <PREFIX>_<PORT>_PORT,
 * <PREFIX>_URL (first http port), <PREFIX>_GRPC_ADDRESS; for data stores <PREFIX>_USERNAME /
 * <PREFIX>_PASSWORD and the store's URI variable from its credentials Secret (never a literal), and
 * <PREFIX>_NAME for its database.
 */
export function envForDependency(dep: Tier<string>): EnvVar[] {
    const p = dep.envPrefix;
    const host = hostOf(dep);
    const env: EnvVar[] = [{ name: `${p}_HOST`, value: host }];
    const ports = clientPorts(dep);
    for (const port of ports) env.push({ name: `${p}_${port.name.toUpperCase()}_PORT`, value: String(servicePortOf(port)) });
    const http = ports.find((port) => port.appProtocol === "http");
    if (http && !isStore(dep)) env.push({ name: `${p}_URL`, value: `http://${host}:${servicePortOf(http)}` });
    const grpc = ports.find((port) => port.appProtocol === "grpc");
    if (grpc) env.push({ name: `${p}_GRPC_ADDRESS`, value: `${host}:${servicePortOf(grpc)}` });
    if (!isStore(dep)) return env;

    const creds = dep.credentials;
    if (creds) {
        for (const key of ["username", "password"]) {
            env.push({ name: `${p}_${key.toUpperCase()}`, valueFrom: { secretKeyRef: { name: creds.secretName, key } } });
        }
    }
    if (dep.database) env.push({ name: `${p}_NAME`, value: dep.database });
    if (dep.uriEnv) {
        env.push(
            creds
                ? { name: dep.uriEnv, valueFrom: { secretKeyRef: { name: creds.secretName, key: "uri" } } }
                : { name: dep.uriEnv, value: `${dep.kind}://${host}:${servicePortOf(ports[0])}` },
        );
    }
    return env;
}

/** All dependency env vars of a workload, in declaration order. */
export function dependencyEnv<N extends string>(app: AppSpec<N>, dependsOn: readonly N[]): EnvVar[] {
    return dependsOn.flatMap((name) => envForDependency(tierByName(app, name)));
}

/** The app secrets a tier lists, as env vars from their Secrets. */
export function secretEnv(app: AppSpec<string>, names: readonly string[] = []): EnvVar[] {
    return names.map((name) => {
        const secret = app.secrets?.find((s) => s.name === name);
        if (!secret) throw new Error(`app spec ${app.name}: no secret named "${name}"`);
        return { name: secret.key, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } };
    });
}

/** One allowed in-cluster connection: pods labelled app=<from> open TCP connections to app=<to>. */
export interface Edge {
    from: string;
    to: string;
    /** Container ports (what a NetworkPolicy matches after the Service's translation). */
    ports: number[];
}

/** Every allowed in-cluster connection: one edge per declared dependency of a tier or the seed Job. */
export function dependencyEdges<N extends string>(app: AppSpec<N>): Edge[] {
    const clients: { name: string; dependsOn: readonly N[] }[] = [...app.tiers];
    if (app.seed) clients.push({ name: app.seed.name, dependsOn: [app.seed.store] });
    return clients.flatMap((client) =>
        client.dependsOn.map((to) => ({ from: client.name, to, ports: clientPorts(tierByName(app, to)).map((p) => p.port) })),
    );
}

/** A tier as a NetworkPolicy admits it: its name and the container ports its clients use. */
export const tierPorts = (tier: Tier<string>): { name: string; ports: number[] } => ({ name: tier.name, ports: clientPorts(tier).map((p) => p.port) });

/** The tiers a route reaches, with their container ports. */
export function routedTiers<N extends string>(app: AppSpec<N>): { name: string; ports: number[] }[] {
    const names = [...new Set((app.routes?.paths ?? []).map((p) => p.tier))];
    return names.map((name) => tierPorts(tierByName(app, name)));
}

/** The tiers that outside traffic reaches directly (their Service is the app's public one). */
export const publicTiers = <N extends string>(app: AppSpec<N>): StatelessTier<N>[] => app.tiers.filter(isStateless).filter((t) => t.public);

/**
 * What a tier waits for before it starts: the data stores it declares, or with rolloutInOrder every
 * tier it declares. Calls between services may be mutual; waits may not (a cycle is an error).
 */
export function waitsFor<N extends string>(app: AppSpec<N>, tier: Tier<N>): N[] {
    return tier.dependsOn.filter((d) => app.rolloutInOrder || isStore(tierByName(app, d)));
}

/** Tiers in an order where each comes after everything it waits for (stores first). */
export function startOrder<N extends string>(app: AppSpec<N>): Tier<N>[] {
    const done = new Set<N>();
    const order: Tier<N>[] = [];
    const visit = (tier: Tier<N>, path: N[]) => {
        if (done.has(tier.name)) return;
        if (path.includes(tier.name)) throw new Error(`app spec ${app.name}: start-order cycle ${[...path, tier.name].join(" -> ")}`);
        for (const dep of waitsFor(app, tier)) visit(tierByName(app, dep), [...path, tier.name]);
        done.add(tier.name);
        order.push(tier);
    };
    for (const tier of [...app.tiers.filter(isStore), ...app.tiers.filter(isStateless)]) visit(tier, []);
    return order;
}
