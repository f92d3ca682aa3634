/**
 * A stack plays one of three roles, chosen by its config:
 *   - all-in-one (`target`, an `app`): its own cluster and add-ons, and the app on them;
 *   - platform (`target`, `app: none`): the cluster and the add-ons only, exported as `platform`;
 *   - app (`platform: <org>/<project>/<stack>`, an `app`): the app, on the referenced platform.
 * Keys that mean nothing in a role are refused, so a stack never silently ignores what it was told.
 * `tls` and `dns` mean something in every role (config/tls.ts): a platform's are its own routes'
 * (Grafana's) and its app stacks' defaults; an app stack's are checked against its platform's
 * output, and it may not set `tls.acme` (the ACME account is the platform's ClusterIssuer).
 */
import { NO_APP } from "./schema";

export type Role = "all-in-one" | "platform" | "app";

/** Keys of the cluster, which an app stack takes from its platform stack (`logging`: the cluster's Loki, e.g. its retention). */
const CLUSTER_KEYS = ["target", "kubeContext", "kubeconfig", "eks", "gke", "logging"] as const;
/** Keys of the app (none has a Pulumi.yaml default, so each is present only when a stack sets it). */
const APP_KEYS = ["namespace", "imageTags", "replicas", "releases", "frontendServiceType", "dbUsername", "rabbitmqUsername", "routeHost", "backup"] as const;
/** The app's add-on secrets: the tunnel runs in the app's namespace. */
const APP_SECRET_KEYS = ["cloudflareTunnelToken"] as const;

export function roleOf(raw: Record<string, string>): Role {
    if (raw.platform !== undefined) return "app";
    return raw.app === NO_APP ? "platform" : "all-in-one";
}

const quote = (value: string) => {
    try {
        return JSON.stringify(JSON.parse(value));
    } catch {
        return JSON.stringify(value);
    }
};

/** What a role refuses, as `<ns>:<key>: got <value>; allowed: ...` lines (secrets are never echoed). */
export function roleProblems(ns: string, raw: Record<string, string>, rawSecrets: Record<string, string>): string[] {
    const role = roleOf(raw);
    const problems: string[] = [];
    if (role === "app") {
        const where = `the platform stack ${raw.platform} owns the cluster: set it there`;
        for (const key of CLUSTER_KEYS) {
            if (raw[key] !== undefined) problems.push(`${ns}:${key}: got ${quote(raw[key])}; allowed: nothing on a stack with platform set (${where})`);
        }
        if (raw.app === NO_APP) {
            problems.push(`${ns}:app: got "none"; allowed: an app of the catalog (a stack with platform set deploys an app onto that platform)`);
        }
    }
    if (role === "platform") {
        const where = "app is none: a platform stack deploys no app; set it on an app stack that references this one";
        for (const key of APP_KEYS) {
            if (raw[key] !== undefined) problems.push(`${ns}:${key}: got ${quote(raw[key])}; allowed: nothing (${where})`);
        }
        for (const key of APP_SECRET_KEYS) {
            if (rawSecrets[key] !== undefined) problems.push(`${ns}:${key}: got a secret (not shown); allowed: nothing (${where})`);
        }
    }
    return problems;
}
