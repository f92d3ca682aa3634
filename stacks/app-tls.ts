import { ConfigError } from "../config/errors";
import type { PlatformOutput } from "../config/platform-output";
import type { TlsChoice } from "../config/tls";
import { HTTPS_PORT } from "../components/host-tls";
import type { AwsContext } from "./eks/context";
import type { GcpContext } from "./gke/context";
import { certManagerHostTls, EXPORT_LOCAL_CA, TRAEFIK_HTTPS_PORT } from "./local-tls";
import type { TlsPlatform } from "./platform";

/** The app stack's one provider per cloud (stacks/reference.ts appCloud), made on first use. */
export interface AppStackClouds {
    aws?: () => AwsContext;
    gcp?: () => GcpContext;
}

/**
 * An app stack's TLS on its platform, its choice resolved against what the platform exports
 * (config/tls.ts resolveTlsOnPlatform): the target's certificates for the app's host, made with this
 * stack's own cloud provider (the platform's region / project) or its platform's ClusterIssuer.
 */
export async function appStackTls(out: PlatformOutput, choice: TlsChoice, platformStack: string, cloud: AppStackClouds): Promise<TlsPlatform> {
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
            if (!cloud.aws) throw new ConfigError([`ticketbuster:platform: the stack ${platformStack} exports no AWS region (identity.aws): run pulumi up on it`]);
            return { ...(await import("./eks/host-tls")).eksTls(choice, cloud.aws().onAws), exported };
        case "gke": {
            if (!cloud.gcp) throw new ConfigError([`ticketbuster:platform: the stack ${platformStack} exports no identity.gcp (project, region): run pulumi up on it`]);
            return { ...(await import("./gke/host-tls")).gkeTls(choice, cloud.gcp().onGcp), exported };
        }
    }
}
