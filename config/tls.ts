/**
 * `tls` and `dns`: how a stack's routes (the app's host, Grafana's) are served over HTTPS, and on a
 * cloud target the DNS zone their records go into. Parsed with the rest of the config; resolved per
 * target (and, on an app stack, against what its platform stack can do) before any resource exists.
 */
import { z } from "zod";
import type { Target } from "./schema";
import { oneOf, strictSection } from "./rules";

export const TLS_MODES = ["off", "self-signed", "acme", "managed"] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** Let's Encrypt's ACME directories; staging (untrusted certificates, generous limits) is the default. */
export const ACME_SERVERS = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
export type AcmeServer = keyof typeof ACME_SERVERS;

export interface AcmeConfig {
    email: string;
    server: AcmeServer;
}
export interface DnsConfig {
    /** The domain the zone serves, e.g. example.com (no trailing dot). */
    zone: string;
    /** EKS: the Route 53 hosted zone id; GKE: the Cloud DNS managed zone's name. */
    zoneId: string;
}

/** What a stack's config says, parsed but not yet resolved against a target. */
export interface TlsRequest {
    mode?: TlsMode;
    acme?: AcmeConfig;
    dns?: DnsConfig;
}

/** The TLS a stack's routes get, resolved. */
export interface TlsChoice {
    mode: TlsMode;
    /** The stack's config set `tls.mode` (an explicit `off` is what the policy pack accepts on a cloud target). */
    explicit: boolean;
    acme?: AcmeConfig;
    dns?: DnsConfig;
    /** Why the routes are plain HTTP when nobody asked for that (a stack output). */
    warning?: string;
}

/** What each target can do, and why not the rest. */
export const TARGET_TLS: Record<Target, { modes: TlsMode[]; how: string }> = {
    local: {
        modes: ["off", "self-signed", "acme"],
        how: "cert-manager on the cluster issues the certificates: a local CA (self-signed) or Let's Encrypt (acme); managed certificates are a cloud's (ACM on eks, Certificate Manager on gke)",
    },
    eks: {
        modes: ["off", "managed"],
        how: "ACM issues the certificates, validated in the Route 53 zone of dns.zoneId (managed); cert-manager runs on the local target only",
    },
    gke: {
        modes: ["off", "managed"],
        how: "Certificate Manager issues the certificates, authorized in the Cloud DNS zone dns.zoneId (managed); cert-manager runs on the local target only",
    },
};

/** A zone id each cloud accepts. */
const ZONE_ID: Partial<Record<Target, { pattern: RegExp; hint: string }>> = {
    eks: { pattern: /^Z[A-Z0-9]{1,31}$/, hint: "a Route 53 hosted zone id (Z followed by capital letters and digits), e.g. Z0123456789ABCDEFGHIJ" },
    gke: { pattern: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, hint: "a Cloud DNS managed zone's name (lowercase letters, digits and '-'), e.g. example-com" },
};

const EMAIL = "allowed: an email address (Let's Encrypt's account contact, required with tls.mode acme), e.g. ops@example.com";

/** `ticketbuster:tls` (set with `pulumi config set --path tls.mode <mode>`). */
export const tlsSchema = strictSection({
    mode: oneOf(TLS_MODES).optional(),
    acme: strictSection({
        email: z.string({ error: EMAIL }).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: EMAIL }),
        server: oneOf(["production", "staging"]).default("staging"),
    }).optional(),
});

const ZONE = "allowed: a DNS domain without the trailing dot, e.g. example.com";

/** `ticketbuster:dns` (cloud targets): the zone the routes' hosts and records live in. */
export const dnsSchema = strictSection({
    zone: z
        .string({ error: ZONE })
        .max(253, { error: ZONE })
        .regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z][-a-z0-9]{0,61}[a-z0-9]$/, { error: ZONE }),
    zoneId: z.string({ error: "allowed: the zone's id (required with dns.zone): a Route 53 hosted zone id on eks, a Cloud DNS managed zone name on gke" }),
});

/** A host a stack sets explicitly (`routeHost`, `addons.grafanaHost`), with its key for messages. */
export interface HostKey {
    key: string;
    host: string;
}

export const inZone = (host: string, zone: string) => host === zone || host.endsWith(`.${zone}`);

/**
 * The route host when the stack sets none: the app's own (e.g. floresvictoria.local), or with a DNS
 * zone its first label in that zone (floresvictoria.example.com), since a host outside the zone
 * could get neither a record nor a certificate there.
 */
export function defaultHost(appHost: string, dns: DnsConfig | undefined): string {
    return dns ? `${appHost.split(".")[0]}.${dns.zone}` : appHost;
}

const quote = (v: unknown) => JSON.stringify(v);

interface ResolveOptions {
    ns: string;
    /** The mode when the stack sets none. */
    defaultMode: TlsMode;
    /** Why a mode the target can do is still unavailable here (an app stack: what its platform lacks). */
    unavailable?: (mode: TlsMode) => string | undefined;
    /** Where the target's allowed modes are explained. */
    where: string;
    /** The stack creates the ACME ClusterIssuer (so needs tls.acme), rather than using its platform's. */
    ownsAcmeAccount: boolean;
}

/** The checks every role shares, once the target (and so what it can do) is known. */
function resolveFor(target: Target, req: TlsRequest, hosts: HostKey[], o: ResolveOptions): { choice?: TlsChoice; problems: string[] } {
    const problems: string[] = [];
    const { ns } = o;
    const dns = req.dns;
    if (dns && target === "local") {
        problems.push(
            `${ns}:dns: got ${quote(dns)}; allowed: nothing on the local target (no DNS is managed there: point the host at the cluster in /etc/hosts, see README "HTTPS")`,
        );
    }
    const zoneId = ZONE_ID[target];
    if (dns && zoneId && !zoneId.pattern.test(dns.zoneId)) {
        problems.push(`${ns}:dns.zoneId: got ${quote(dns.zoneId)}; allowed: ${zoneId.hint}`);
    }
    const mode = req.mode ?? o.defaultMode;
    const allowed = TARGET_TLS[target].modes;
    if (!allowed.includes(mode)) {
        problems.push(`${ns}:tls.mode: got ${quote(mode)}; allowed: ${allowed.join(", ")} on ${o.where} (${TARGET_TLS[target].how})`);
    } else {
        const why = o.unavailable?.(mode);
        if (why) problems.push(`${ns}:tls.mode: got ${quote(mode)}; ${why}`);
    }
    if (mode === "managed" && !dns) {
        problems.push(`${ns}:tls.mode: got "managed"; allowed: managed only with dns.zone and dns.zoneId set (the zone where the certificate is validated and the host's record goes)`);
    }
    if (mode === "acme" && !req.acme && o.ownsAcmeAccount) {
        problems.push(`${ns}:tls.acme.email: got nothing; ${EMAIL}`);
    }
    if (req.acme && mode !== "acme") {
        problems.push(`${ns}:tls.acme: got ${quote(req.acme)}; allowed: only with tls.mode acme (tls.mode is ${mode}${req.mode ? "" : " by default"})`);
    }
    if (dns) {
        for (const { key, host } of hosts) {
            if (!inZone(host, dns.zone)) {
                problems.push(`${ns}:${key}: got ${quote(host)}; allowed: a host inside dns.zone ${dns.zone} (e.g. ${host.split(".")[0]}.${dns.zone})`);
            }
        }
    }
    if (problems.length > 0) return { problems };
    const plain = mode === "off" && req.mode === undefined;
    return {
        problems,
        choice: {
            mode,
            explicit: req.mode !== undefined,
            ...(req.acme ? { acme: req.acme } : {}),
            ...(dns ? { dns } : {}),
            ...(plain
                ? { warning: "routes are plain HTTP: set dns.zone and dns.zoneId for managed certificates, or tls.mode off to say plain HTTP is meant" }
                : {}),
        },
    };
}

/** A stack that owns its cluster (all-in-one or platform): local defaults to self-signed, a cloud to managed when a zone is set. */
export function resolveTls(target: Target, req: TlsRequest, hosts: HostKey[], ns = "ticketbuster"): { choice?: TlsChoice; problems: string[] } {
    const defaultMode: TlsMode = target === "local" ? "self-signed" : req.dns ? "managed" : "off";
    return resolveFor(target, req, hosts, { ns, defaultMode, where: target, ownsAcmeAccount: true });
}

/** What a platform stack exports of its TLS (config/platform-output.ts): its mode, issuers, HTTPS port and zone. */
export interface PlatformTls {
    mode: TlsMode;
    httpsPort: number;
    /** cert-manager ClusterIssuers the platform runs, by the mode they serve (local). */
    clusterIssuers: Partial<Record<"self-signed" | "acme", string>>;
    dns?: DnsConfig;
}

/** Keys an app stack may not set: the ACME account is the platform's ClusterIssuer. */
export function appStackTlsProblems(req: TlsRequest, platformStack: string, ns = "ticketbuster"): string[] {
    return req.acme
        ? [`${ns}:tls.acme: got ${quote(req.acme)}; allowed: nothing on an app stack (the ACME account is the ClusterIssuer of the platform stack ${platformStack}: set tls.acme there)`]
        : [];
}

/**
 * An app stack's TLS, once its platform's output is read: the platform's mode and zone unless the
 * stack sets its own; a mode needs what the platform runs for it (its ClusterIssuer on local).
 */
export function resolveTlsOnPlatform(
    platform: PlatformTls | undefined,
    target: Target,
    req: TlsRequest,
    hosts: HostKey[],
    platformStack: string,
    ns = "ticketbuster",
): { choice?: TlsChoice; problems: string[] } {
    const dns = req.dns ?? platform?.dns;
    const withDns = { ...req, ...(dns ? { dns } : {}) };
    const defaultMode: TlsMode = target === "local" ? (platform?.mode ?? "off") : dns ? "managed" : "off";
    const unavailable = (mode: TlsMode): string | undefined => {
        if (mode === "off") return undefined;
        if (!platform) {
            return `the platform stack ${platformStack} exports no TLS capabilities (deployed by an older version of this program): run pulumi up on it, or set tls.mode off here`;
        }
        if (target !== "local") return undefined;
        if (mode === "self-signed" || mode === "acme") {
            if (platform.clusterIssuers[mode]) return undefined;
            const runs = Object.keys(platform.clusterIssuers);
            return `the platform stack ${platformStack} has no ClusterIssuer for ${mode} (it has: ${runs.join(", ") || "none, its tls.mode is off"}); set tls.mode ${mode}${mode === "acme" ? " and tls.acme" : ""} there, or choose another mode here`;
        }
        return undefined;
    };
    return resolveFor(target, withDns, hosts, {
        ns,
        defaultMode,
        unavailable,
        where: `${target} (the platform stack ${platformStack}'s target)`,
        ownsAcmeAccount: false,
    });
}
