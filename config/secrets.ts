import { APPS } from "../apps";
import type { AppSpec } from "../apps/types";
import { isStore } from "../apps/wiring";

/** A config key that must be set with `pulumi config set --secret`. */
export interface SecretKey {
    key: string;
    /** Random is fine: the Automation API driver generates it on first run. */
    generate: boolean;
    format?: { pattern: RegExp; hint: string };
}

/** The secret config keys an app needs: its stores' passwords and its own secrets. */
export function secretKeysOf(app: AppSpec): SecretKey[] {
    const keys: SecretKey[] = [];
    for (const tier of app.tiers) {
        if (isStore(tier) && tier.credentials) keys.push({ key: tier.credentials.passwordKey, generate: true });
    }
    for (const s of app.secrets ?? []) keys.push({ key: s.configKey, generate: s.generate, format: s.format });
    return keys.filter((k, i) => keys.findIndex((o) => o.key === k.key) === i);
}

/** Every secret key of the catalog: a stack may keep another app's secrets after switching apps. */
export const CATALOG_SECRET_KEYS = [...new Set(Object.values(APPS).flatMap((app) => secretKeysOf(app).map((k) => k.key)))];

/** Secret keys of the cluster add-ons (config/addons.ts); accepted on every stack whatever the add-ons. */
export const ADDON_SECRET_KEYS = ["cloudflareTunnelToken", "grafanaAdminPassword"] as const;

/**
 * The add-on secrets a stack needs: Grafana's admin password when monitoring is on (random is fine,
 * so the driver generates it). `cloudflareTunnelToken` is never listed: it comes from Cloudflare,
 * and setting it is what turns the tunnel on.
 */
export function addonSecretKeys(addons: { monitoring: boolean }): SecretKey[] {
    return addons.monitoring ? [{ key: "grafanaAdminPassword", generate: true }] : [];
}
