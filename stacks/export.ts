import * as pulumi from "@pulumi/pulumi";
import { LOKI_RULES } from "../components/addons/loki";
import { NAMESPACES } from "../components/addons/versions";
import { PLATFORM_OUTPUT_VERSION, PlatformOutput } from "../config/platform-output";
import type { Platform } from "./platform";

/** An object whose leaves may be Outputs (a stack output keeps each nested secret a secret, not the whole object). */
export type DeepInput<T> =
    | pulumi.Input<T>
    | (T extends readonly (infer U)[] ? DeepInput<U>[] : T extends object ? { [K in keyof T]: DeepInput<T[K]> } : never);

export interface ExportArgs {
    kubernetes: { kubeconfig?: pulumi.Input<string>; context?: string };
    registry: DeepInput<PlatformOutput["registry"]>;
    identity: DeepInput<PlatformOutput["identity"]>;
}

/**
 * The `platform` output of a stack that owns its cluster (platform or all-in-one): what it hands to
 * its own app, as the app stacks that reference it will read it back (config/platform-output.ts).
 */
export function platformOutput(p: Omit<Platform, "exported">, args: ExportArgs): DeepInput<PlatformOutput> {
    const { dependsOn: _, ...routing } = p.routing;
    return {
        version: PLATFORM_OUTPUT_VERSION,
        stack: `${pulumi.getProject()}/${pulumi.getStack()}`,
        target: p.target,
        kind: p.kind,
        kubernetes: {
            ...(args.kubernetes.kubeconfig !== undefined ? { kubeconfig: pulumi.secret(args.kubernetes.kubeconfig) } : {}),
            ...(args.kubernetes.context !== undefined ? { context: args.kubernetes.context } : {}),
        },
        ...(p.storageClass !== undefined ? { storageClass: p.storageClass } : {}),
        ...(p.loadBalancerAnnotations ? { loadBalancerAnnotations: p.loadBalancerAnnotations } : {}),
        // The peers are the NetworkPolicy inputs the target built: plain selectors and CIDRs.
        routing: routing as DeepInput<PlatformOutput["routing"]>,
        registry: args.registry,
        priorityClasses: p.priorityClasses,
        addons: p.installed,
        // kube-prometheus-stack as the monitoring add-on installs it: selecting every monitor and rule.
        ...(p.installed.monitoring ? { monitoring: { namespace: NAMESPACES.monitoring, selectorLabels: {} } } : {}),
        ...(p.installed.logging ? { logging: LOKI_RULES } : {}),
        identity: args.identity,
        tls: p.tls.exported,
    };
}
