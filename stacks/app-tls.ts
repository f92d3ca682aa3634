import { ConfigError } from "../config/errors";
import type { PlatformOutput } from "../config/platform-output";
import type { TlsChoice } from "../config/tls";
import { HTTPS_PORT } from "../components/host-tls";
import type { AwsContext } from "./eks/context";
import { certManagerHostTls, EXPORT_LOCAL_CA, TRAEFIK_HTTPS_PORT } from "./local-tls";
import type { TlsPlatform } from "./platform";

/**
 * An app stack's TLS on its platform, its choice resolved against what the platform exports
 * (config/tls.ts resolveTlsOnPlatform): the target's certificates for the app's host, made with this
 * stack's own cloud provider (the platform's region / project) or its platform's ClusterIssuer.
 */
export async function appStackTls(out: PlatformOutput, choice: TlsChoice, platformStack: string, aws: () => Promise<AwsContext>): Promise<TlsPlatform> {
    const exported = { mode: choice.mode, httpsPort: out.tls?.httpsPort ?? HTTPS_PORT, clusterIssuers: {}, ...(choice.dns ? { dns: choice.dns } : {}) };
    const base = { choice, httpsPort: exported.httpsPort, exported, outputs: {} };
    if (choice.mode === "off") return base;
    switch (out.target) {
        case "local": {
            const issuer = choice.mode === "self-signed" || choice.mode === "acme" ? out.tls?.clusterIssuers[choice.mode] : undefined;
            if (!issuer || (choice.mode !== "self-signed" && choice.mode !== "acme")) throw new Error(`no ClusterIssuer for tls.mode ${choice.mode} (validated above)`);
            const httpsPort = out.tls?.httpsPort ?? TRAEFIK_HTTPS_PORT;
            return {
                ...base,
                forHost: certManagerHostTls({ mode: choice.mode, issuer, httpsPort }),
                outputs: choice.mode === "self-signed" ? { trustLocalCa: EXPORT_LOCAL_CA } : {},
            };
        }
        case "eks":
            return { ...(await import("./eks/host-tls")).eksTls(choice, (await aws()).onAws), exported };
        case "gke": {
            const gcp = out.identity.gcp;
            if (!gcp) throw new ConfigError([`ticketbuster:platform: the stack ${platformStack} exports no identity.gcp (project, region): run pulumi up on it`]);
            const onGcp = (await import("./gke/context")).gcpAppContext(gcp.project, gcp.region);
            return { ...(await import("./gke/host-tls")).gkeTls(choice, onGcp), exported };
        }
    }
}
