import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { APPS, DEFAULT_APP } from "../apps";
import type { AppSpec } from "../apps/types";
import { isStore } from "../apps/wiring";
import { AddonConfig, addonRequestProblems, addonsSchema, AppStackAddons, resolveAddons } from "./addons";
import { BackupConfig, backupSchema } from "./backup";
import { eksSchema, EksConfig } from "./eks";
import { gkeSchema, GkeConfig } from "./gke";
import { GATEWAY_API, missingGatewayApi, needsClusterGatewayApi, servesApi } from "./cluster-apis";
import { ConfigError } from "./errors";
import { kubeContextProblem } from "./kube-context";
import { releaseProblems } from "./releases";
import type { TlsChoice, TlsRequest } from "./tls";
import { LoggingConfig, loggingProblems, loggingSchema } from "./logging";
import { Role, roleOf, roleProblems } from "./roles";
import { json } from "./rules";
import { APP_KEYS, AppConfig, appSchema, baseSchema, BaseConfig, NO_APP } from "./schema";
import { ADDON_SECRET_KEYS, addonSecretKeys, CATALOG_SECRET_KEYS, secretKeysOf } from "./secrets";
import { tlsSection } from "./tls-section";

export { TARGETS, SERVICE_TYPES, ROUTING, NO_APP, scalableTiers } from "./schema";
export type { Target, ServiceType, Routing } from "./schema";
export type { AddonConfig, AppStackAddons } from "./addons";
export type { Release } from "./releases";
export type { BackupConfig } from "./backup";
export type { Role } from "./roles";
export type { TlsChoice, TlsRequest, TlsMode } from "./tls";
export { ConfigError } from "./errors";

/** A data store's credentials, resolved: the username from config or the app's data, the password a secret. */
export interface Credentials {
    username: string;
    password: pulumi.Output<string>;
}

/** The app a stack deploys (none on a platform stack): its spec, namespace and secrets. */
export interface AppDeployment {
    spec: AppSpec;
    namespace: string;
    /** The app's own secrets (jwt keys...), by config key. */
    secrets: Record<string, pulumi.Output<string>>;
    /** Per data store (tier name). */
    credentials: Record<string, Credentials>;
}

interface CommonConfig extends Omit<BaseConfig, "target" | "app" | "namespace" | "platform">, AppConfig {
    role: Role;
    app?: AppDeployment;
    /** The scheduled backups of the app's stores (config/backup.ts); a platform stack refuses the key. */
    backup: BackupConfig;
}
/** A stack with its own cluster (all-in-one or platform): the target and its add-ons, resolved, with their secrets. */
export type OwnCluster = ({ target: "local" } | { target: "eks"; eks: EksConfig } | { target: "gke"; gke: GkeConfig }) & {
    addons: AddonConfig;
    /** HTTPS and DNS of the routes, resolved for the target (config/tls.ts). */
    tls: TlsChoice;
};
/** An app stack: the platform stack it deploys onto, and what it asks of that platform's add-ons. */
export interface OnPlatform {
    target?: undefined;
    platform: string;
    addons: AppStackAddons;
    /** HTTPS and DNS as the stack asks; resolved against the platform's output (stacks/reference.ts). */
    tls: TlsRequest;
}
export type StackConfig = CommonConfig & (OwnCluster | OnPlatform);

/** Sections parsed only when their target is selected, so a local stack ignores cloud keys. */
const targetSections = { eks: json(eksSchema), gke: json(gkeSchema) };
const SECRET_KEYS: string[] = [...CATALOG_SECRET_KEYS, ...ADDON_SECRET_KEYS];
const KNOWN_KEYS = new Set<string>([...Object.keys(baseSchema.shape), ...APP_KEYS, ...SECRET_KEYS, ...Object.keys(targetSections), "addons", "backup", "logging", "tls", "dns"]);
const addonsSection = json(addonsSchema);
const backupSection = json(backupSchema);
const loggingSection = json(loggingSchema);


function describe(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const seg of path) {
        if (typeof v === "string") {
            try {
                v = JSON.parse(v);
            } catch {
                return v;
            }
        }
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[seg];
    }
    return v;
}

/**
 * The value to quote: the raw config where the key was set, else (a defaulted key) what the schema
 * saw, which for a cross-field refinement is the parent object, so take the key from it.
 */
function badValue(raw: Record<string, unknown>, path: string[], input: unknown): unknown {
    const rawValue = valueAt(raw, path);
    if (rawValue !== undefined) return rawValue;
    const last = path.at(-1);
    if (input !== null && typeof input === "object" && last !== undefined && last in input) {
        return (input as Record<string, unknown>)[last];
    }
    return input;
}

function problemsOf(ns: string, error: z.ZodError, raw: Record<string, unknown>, prefix: string[] = []): string[] {
    return error.issues.flatMap((issue) => {
        const path = [...prefix, ...issue.path.map(String)];
        const key = `${ns}:${path.join(".")}`;
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((k) => `${key}.${k}: unknown key; ${issue.message}`);
        }
        const bad = issue.code === "custom" && issue.message.startsWith("unknown ") ? path.at(-1) : badValue(raw, path, issue.input);
        return [`${key}: got ${describe(bad)}; ${issue.message}`];
    });
}

/** A required secret that is not set, with the command that sets it. */
const missingSecret = (ns: string, key: string, requiredBy: string) =>
    `${ns}:${key}: got nothing; a secret is required by ${requiredBy}, set it with: pulumi config set --secret --stack ${pulumi.getStack()} ${ns}:${key} <value>`;

/** The chosen app's secrets: each required, of the right shape when the app says so; never echoed. */
function appSecrets(ns: string, app: AppSpec, rawSecrets: Record<string, string>, problems: string[]): Record<string, pulumi.Output<string>> {
    const config = new pulumi.Config(ns);
    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const { key, format } of secretKeysOf(app)) {
        const value = rawSecrets[key];
        if (value === undefined) {
            problems.push(missingSecret(ns, key, `app ${app.name}`));
        } else if (format && !format.pattern.test(value)) {
            problems.push(`${ns}:${key}: got a value of another shape (not shown: it is a secret); app ${app.name} needs ${format.hint}`);
        } else {
            secrets[key] = config.requireSecret(key);
        }
    }
    return secrets;
}

/** Grafana's password (required when monitoring is on) and the tunnel token (its presence turns the tunnel on). */
function addonSecrets(ns: string, addons: { monitoring: boolean }, rawSecrets: Record<string, string>, problems: string[]) {
    const config = new pulumi.Config(ns);
    for (const { key } of addonSecretKeys(addons)) {
        if (rawSecrets[key] === undefined) {
            problems.push(missingSecret(ns, key, "addons.monitoring"));
        }
    }
    return {
        grafanaAdminPassword: addons.monitoring && rawSecrets.grafanaAdminPassword !== undefined ? config.requireSecret("grafanaAdminPassword") : undefined,
        cloudflareTunnelToken: rawSecrets.cloudflareTunnelToken ? config.requireSecret("cloudflareTunnelToken") : undefined,
    };
}

/** The logging add-on's settings (retention) where it is on; the section set while it is off is a problem per key. */
function loggingSettings(ns: string, raw: Record<string, string>, logging: boolean, problems: string[]): LoggingConfig | undefined {
    const parsed = loggingSection.safeParse(raw.logging ?? "{}", { reportInput: true });
    if (!parsed.success) {
        problems.push(...problemsOf(ns, parsed.error, { logging: raw.logging }, ["logging"]));
        return undefined;
    }
    problems.push(...loggingProblems(raw.logging === undefined ? {} : (JSON.parse(raw.logging) as Record<string, unknown>), logging, ns));
    return logging ? parsed.data : undefined;
}

/**
 * Reads and validates the whole stack configuration once, before any resource exists. Throws a
 * ConfigError naming every bad key, its value and what is allowed.
 */
export function loadConfig(): StackConfig {
    const ns = pulumi.getProject();
    const raw: Record<string, string> = {};
    const rawSecrets: Record<string, string> = {};
    const problems: string[] = [];

    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        const [keyNs, key] = [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)];
        if (keyNs !== ns) continue;
        if (!KNOWN_KEYS.has(key)) {
            problems.push(`${fullKey}: unknown key; allowed: ${[...KNOWN_KEYS].join(", ")}`);
        } else if (SECRET_KEYS.includes(key)) {
            rawSecrets[key] = value;
        } else {
            raw[key] = value;
        }
    }

    const base = baseSchema.safeParse(raw, { reportInput: true });
    if (!base.success) problems.push(...problemsOf(ns, base.error, raw));
    const role = roleOf(raw);
    problems.push(...roleProblems(ns, raw, rawSecrets));

    // The app decides which tiers, stores and secrets exist; an unknown app is reported by the base schema.
    const appName = raw.app ?? DEFAULT_APP;
    const app: AppSpec | undefined = APPS[appName];
    let appConfig: AppConfig = {};
    let secrets: Record<string, pulumi.Output<string>> = {};
    if (app) {
        const parsed = appSchema(app).safeParse(raw, { reportInput: true });
        if (parsed.success) appConfig = parsed.data;
        else problems.push(...problemsOf(ns, parsed.error, raw));
        if (parsed.success && base.success && parsed.data.releases) {
            problems.push(...releaseProblems(ns, app, parsed.data.releases, { ...base.data, imageTags: parsed.data.imageTags }));
        }
        secrets = appSecrets(ns, app, rawSecrets, problems);
    }

    // A local stack's context must exist (Docker Desktop's Kubernetes switched off is the common case).
    if (base.success && role !== "app" && base.data.target === "local") {
        const problem = kubeContextProblem(base.data.kubeconfig, base.data.kubeContext);
        if (problem) problems.push(problem);
    }

    let section: { eks: EksConfig } | { gke: GkeConfig } | Record<string, never> = {};
    if (base.success && role !== "app" && (base.data.target === "eks" || base.data.target === "gke")) {
        const target = base.data.target;
        const parsed = targetSections[target].safeParse(raw[target] ?? "{}", { reportInput: true });
        if (parsed.success) section = { [target]: parsed.data } as { eks: EksConfig } | { gke: GkeConfig };
        else problems.push(...problemsOf(ns, parsed.error, { [target]: raw[target] }, [target]));
    }

    let addons: AddonConfig | AppStackAddons | undefined;
    const addonsRaw = addonsSection.safeParse(raw.addons ?? "{}", { reportInput: true });
    if (!addonsRaw.success) problems.push(...problemsOf(ns, addonsRaw.error, { addons: raw.addons }, ["addons"]));
    else if (base.success && base.data.platform !== undefined) {
        const { grafanaHost: _, ...requests } = addonsRaw.data;
        problems.push(...addonRequestProblems(addonsRaw.data, base.data.platform, ns));
        addons = { requests, cloudflareTunnelToken: addonSecrets(ns, { monitoring: false }, rawSecrets, problems).cloudflareTunnelToken };
    } else if (base.success) {
        const resolved = resolveAddons(base.data.target, addonsRaw.data, ns);
        problems.push(...resolved.problems);
        const logs = loggingSettings(ns, raw, resolved.addons.logging, problems);
        addons = { ...resolved.addons, grafanaHost: addonsRaw.data.grafanaHost, ...addonSecrets(ns, resolved.addons, rawSecrets, problems), ...(logs ? { logs } : {}) };
    }

    const tls = base.success ? tlsSection(ns, raw, base.data, addonsRaw.success ? addonsRaw.data.grafanaHost : undefined, problems, problemsOf) : undefined;

    // Routes as Gateway API objects on a cluster that cannot take them: refused now rather than retried and failed late.
    if (problems.length === 0 && base.success && role === "all-in-one" && base.data.target === "local" && addons && "gateway" in addons) {
        const { kubeconfig, kubeContext, routing } = base.data;
        if (needsClusterGatewayApi(routing, app?.routes !== undefined, addons.gateway) && servesApi({ kubeconfig, context: kubeContext }, GATEWAY_API) === false) {
            problems.push(missingGatewayApi(`the cluster of context ${kubeContext}`));
        }
    }

    const backup = backupSection.safeParse(raw.backup ?? "{}", { reportInput: true });
    if (!backup.success) problems.push(...problemsOf(ns, backup.error, { backup: raw.backup }, ["backup"]));

    if (problems.length > 0 || !base.success || (!app && appName !== NO_APP) || !addons || !backup.success || !tls) throw new ConfigError(problems);
    const { target, platform, namespace, app: _app, ...rest } = base.data;
    return {
        ...rest,
        ...appConfig,
        ...section,
        ...(platform !== undefined ? { platform } : { target }),
        role,
        tls,
        backup: backup.data,
        app: app && { spec: app, namespace: namespace ?? app.name, secrets, credentials: credentialsOf(app, base.data, secrets) },
        addons,
    } as StackConfig;
}

/** Each store's credentials: the username from config or the app's data, the password a secret. */
function credentialsOf(app: AppSpec, base: BaseConfig, secrets: Record<string, pulumi.Output<string>>): Record<string, Credentials> {
    const usernames: Record<string, string | undefined> = { dbUsername: base.dbUsername, rabbitmqUsername: base.rabbitmqUsername };
    const credentials: Record<string, Credentials> = {};
    for (const tier of app.tiers) {
        if (!isStore(tier) || !tier.credentials) continue;
        const c = tier.credentials;
        credentials[tier.name] = { username: (c.usernameKey && usernames[c.usernameKey]) || c.username, password: secrets[c.passwordKey] };
    }
    return credentials;
}
