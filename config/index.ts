import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { eksSchema, EksConfig } from "./eks";
import { gkeSchema, GkeConfig } from "./gke";
import { baseSchema, BaseConfig, SECRET_KEYS, SecretKey } from "./schema";
import { json } from "./rules";

export { TARGETS, SERVICE_TYPES, SCALABLE_TIERS, SECRET_KEYS } from "./schema";
export type { Target, ServiceType } from "./schema";

interface CommonConfig extends Omit<BaseConfig, "target"> {
    secrets: Record<SecretKey, pulumi.Output<string>>;
}
export type StackConfig = CommonConfig &
    ({ target: "local" } | { target: "eks"; eks: EksConfig } | { target: "gke"; gke: GkeConfig });

/** Sections parsed only when their target is selected, so a local stack ignores cloud keys. */
const targetSections = { eks: json(eksSchema), gke: json(gkeSchema) };
const KNOWN_KEYS = new Set<string>([...Object.keys(baseSchema.shape), ...SECRET_KEYS, ...Object.keys(targetSections)]);

export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

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

/**
 * Reads and validates the whole stack configuration once, before any resource exists. Throws a
 * ConfigError naming every bad key, its value and what is allowed.
 */
export function loadConfig(): StackConfig {
    const ns = pulumi.getProject();
    const config = new pulumi.Config(ns);
    const raw: Record<string, string> = {};
    const problems: string[] = [];

    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        const [keyNs, key] = [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)];
        if (keyNs !== ns) continue;
        if (!KNOWN_KEYS.has(key)) {
            problems.push(`${fullKey}: unknown key; allowed: ${[...KNOWN_KEYS].join(", ")}`);
        } else if (!(SECRET_KEYS as readonly string[]).includes(key)) {
            raw[key] = value;
        }
    }

    const base = baseSchema.safeParse(raw, { reportInput: true });
    if (!base.success) problems.push(...problemsOf(ns, base.error, raw));

    const secrets = {} as Record<SecretKey, pulumi.Output<string>>;
    for (const key of SECRET_KEYS) {
        if (config.getSecret(key) === undefined) {
            problems.push(
                `${ns}:${key}: got nothing; a secret is required, set it with: ` +
                    `pulumi config set --secret --stack ${pulumi.getStack()} ${ns}:${key} <value>`,
            );
        } else {
            secrets[key] = config.requireSecret(key);
        }
    }

    let section: { eks: EksConfig } | { gke: GkeConfig } | Record<string, never> = {};
    if (base.success && (base.data.target === "eks" || base.data.target === "gke")) {
        const target = base.data.target;
        const parsed = targetSections[target].safeParse(raw[target] ?? "{}", { reportInput: true });
        if (parsed.success) section = { [target]: parsed.data } as { eks: EksConfig } | { gke: GkeConfig };
        else problems.push(...problemsOf(ns, parsed.error, { [target]: raw[target] }, [target]));
    }

    if (problems.length > 0 || !base.success) throw new ConfigError(problems);
    return { ...base.data, ...section, secrets } as StackConfig;
}
