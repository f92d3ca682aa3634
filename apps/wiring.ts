import type * as k8s from "@pulumi/kubernetes";
import { AppSpec, Tier } from "./types";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export function tierByName<N extends string>(app: AppSpec<N>, name: N): Tier<N> {
    const tier = app.tiers.find((t) => t.name === name);
    if (!tier) throw new Error(`app spec ${app.name}: no tier named "${name}"`);
    return tier;
}

/**
 * The env vars a workload gets for one dependency. Naming: <PREFIX>_HOST, <PREFIX>_<PORT>_PORT,
 * <PREFIX>_URL (first http port), <PREFIX>_GRPC_ADDRESS, and for data tiers <PREFIX>_USERNAME /
 * <PREFIX>_PASSWORD from the tier's credentials Secret (never a literal).
 */
export function envForDependency<N extends string>(app: AppSpec<N>, dep: Tier<N>): EnvVar[] {
    const p = dep.envPrefix;
    const env: EnvVar[] = [{ name: `${p}_HOST`, value: dep.name }];
    const ports = dep.ports.filter((port) => !port.admin);
    for (const port of ports) {
        env.push({ name: `${p}_${port.name.toUpperCase()}_PORT`, value: String(port.port) });
    }
    const http = ports.find((port) => port.appProtocol === "http");
    if (http && dep.kind === "stateless") env.push({ name: `${p}_URL`, value: `http://${dep.name}:${http.port}` });
    const grpc = ports.find((port) => port.appProtocol === "grpc");
    if (grpc) env.push({ name: `${p}_GRPC_ADDRESS`, value: `${dep.name}:${grpc.port}` });
    if (dep.kind !== "stateless") {
        for (const key of ["username", "password"]) {
            env.push({
                name: `${p}_${key.toUpperCase()}`,
                valueFrom: { secretKeyRef: { name: dep.credentialsSecret, key } },
            });
        }
    }
    if (dep.name === app.database.tier) env.push({ name: `${p}_NAME`, value: app.database.name });
    return env;
}

/** All dependency env vars of a workload, in declaration order. */
export function dependencyEnv<N extends string>(app: AppSpec<N>, dependsOn: readonly N[]): EnvVar[] {
    return dependsOn.flatMap((name) => envForDependency(app, tierByName(app, name)));
}

export interface IngressEdge<N extends string> {
    /** Pod label `app` of the client. */
    from: string;
    to: N;
    ports: number[];
}

/** Every allowed in-cluster connection: one edge per declared dependency (tiers and jobs). */
export function ingressEdges<N extends string>(app: AppSpec<N>): IngressEdge<N>[] {
    const clients: { name: string; dependsOn: readonly N[] }[] = [...app.tiers, ...Object.values(app.jobs)];
    return clients.flatMap((client) =>
        client.dependsOn.map((to) => ({
            from: client.name,
            to,
            ports: tierByName(app, to)
                .ports.filter((p) => !p.admin)
                .map((p) => p.port),
        })),
    );
}
