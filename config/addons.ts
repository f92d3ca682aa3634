import { z } from "zod";
import type { Target } from "./schema";
import { dnsSubdomain, strictSection } from "./rules";

const flag = z.boolean({ error: "allowed: true, false" }).optional();

/** `ticketbuster:addons` (set with `pulumi config set --path addons.<key> true|false`); every key optional. */
export const addonsSchema = strictSection({
    /** Resource metrics for the HPAs (`kubectl top`, the order-worker's autoscaling). */
    metricsServer: flag,
    /** The Gateway API / Ingress controller the app's routes need. */
    gateway: flag,
    /** kube-prometheus-stack, ServiceMonitors, exporters, alert rules and a dashboard. */
    monitoring: flag,
    /** Central logs (components/addons/logging.ts): Fluent Bit on every node ships to Loki; searchable in Grafana with monitoring on. */
    logging: flag,
    /** Grafana on the route controller at this host (monitoring on); left out, Grafana is reached by port-forward. */
    grafanaHost: dnsSubdomain.optional(),
});
export type AddonsInput = z.infer<typeof addonsSchema>;

export type AddonName = "metricsServer" | "gateway" | "monitoring" | "logging";
export type Addons = Record<AddonName, boolean>;

/** Default per target: what the target lacks is installed. */
export const ADDON_DEFAULTS: Record<Target, Addons> = {
    local: { metricsServer: true, gateway: true, monitoring: false, logging: false },
    eks: { metricsServer: true, gateway: true, monitoring: false, logging: false },
    gke: { metricsServer: false, gateway: true, monitoring: false, logging: false },
};

/** Add-ons a target cannot take, with why; asking for one is a config error. */
const UNAVAILABLE: Partial<Record<Target, Partial<Record<AddonName, string>>>> = {
    gke: { metricsServer: "GKE runs metrics-server itself" },
};

/** The add-ons of a target: config wins over the target's defaults; errors as `<ns>:addons.<key>: got ...; allowed: ...`. */
export function resolveAddons(target: Target, raw: AddonsInput, ns = "ticketbuster"): { addons: Addons; problems: string[] } {
    const addons = { ...ADDON_DEFAULTS[target] };
    const problems: string[] = [];
    for (const key of Object.keys(addons) as AddonName[]) {
        const wanted = raw[key];
        if (wanted === undefined) continue;
        const why = UNAVAILABLE[target]?.[key];
        if (wanted && why) {
            problems.push(`${ns}:addons.${key}: got true; allowed: false on ${target} (${why})`);
            continue;
        }
        addons[key] = wanted;
    }
    if (raw.grafanaHost !== undefined && !addons.monitoring) {
        problems.push(`${ns}:addons.grafanaHost: got ${JSON.stringify(raw.grafanaHost)}; allowed: only with addons.monitoring true`);
    }
    return { addons, problems };
}

/**
 * On an app stack the add-ons are the platform stack's: `true` requires one there (refused when the
 * platform lacks it), `monitoring: false` leaves this app's monitors out, unset follows the platform.
 */
export function addonRequestProblems(raw: AddonsInput, platformStack: string, ns = "ticketbuster"): string[] {
    const problems: string[] = [];
    // Logs are collected on every node by the platform's Fluent Bit: an app stack cannot opt out of that.
    for (const key of ["metricsServer", "gateway", "logging"] as const) {
        if (raw[key] === false) {
            problems.push(`${ns}:addons.${key}: got false; allowed: true (requires it of the platform stack ${platformStack}) or nothing (the platform stack decides what it installs)`);
        }
    }
    if (raw.grafanaHost !== undefined) {
        problems.push(`${ns}:addons.grafanaHost: got ${JSON.stringify(raw.grafanaHost)}; allowed: nothing (Grafana is the platform stack ${platformStack}'s: set it there)`);
    }
    return problems;
}

/** What an app stack sees of its platform's add-ons; a requirement the platform does not meet is a problem naming it. */
export function resolveOnPlatform(
    requests: Partial<Addons>,
    platform: Addons,
    platformStack: string,
    ns = "ticketbuster",
): { addons: Addons; problems: string[] } {
    const problems: string[] = [];
    const runs = (Object.keys(platform) as AddonName[]).filter((k) => platform[k]);
    for (const key of Object.keys(platform) as AddonName[]) {
        if (requests[key] && !platform[key]) {
            problems.push(
                `${ns}:addons.${key}: got true; the platform stack ${platformStack} does not run ${key} (it runs: ${runs.join(", ") || "no add-on"}); ` +
                    `turn it on there (pulumi config set --path addons.${key} true) or leave it out here`,
            );
        }
    }
    return { addons: { ...platform, monitoring: platform.monitoring && requests.monitoring !== false }, problems };
}

/** An app stack's add-on settings: what it asks of the platform, and the tunnel, which runs beside the app. */
export interface AppStackAddons {
    requests: Partial<Addons>;
    cloudflareTunnelToken?: import("@pulumi/pulumi").Output<string>;
}

/** The resolved add-ons and their secrets, as StackConfig.addons. */
export interface AddonConfig extends Addons {
    grafanaHost?: string;
    /** Set only when monitoring is on. */
    grafanaAdminPassword?: import("@pulumi/pulumi").Output<string>;
    /** The Cloudflare tunnel runs exactly when this is set. */
    cloudflareTunnelToken?: import("@pulumi/pulumi").Output<string>;
    /** Set only when logging is on (config/logging.ts). */
    logs?: import("./logging").LoggingConfig;
}

/**
 * The add-ons a stack's raw config asks for, for the Automation API driver (which sees
 * `stack.getAllConfig()` values: `target` a string, `addons` a JSON string). Invalid config gives
 * undefined: the program's validation reports it.
 */
export function addonsOfRawConfig(target: string | undefined, addonsJson: string | undefined): Addons | undefined {
    const t = (target ?? "local") as Target;
    if (!(t in ADDON_DEFAULTS)) return undefined;
    let raw: unknown;
    try {
        raw = JSON.parse(addonsJson ?? "{}");
    } catch {
        return undefined;
    }
    const parsed = addonsSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    const { addons, problems } = resolveAddons(t, parsed.data);
    return problems.length === 0 ? addons : undefined;
}
