/** What program.ts hands the route owners (the app's Routes, Grafana's route) from the platform's TLS, and what it prints. */
import { ACME_SOLVER_PODS } from "../components/addons/cert-manager";
import { PLAIN_HTTP_ANNOTATION } from "../components/host-tls";
import type { TlsPlatform } from "./platform";

/** The route objects' TLS: the target's certificate factory, the plain-HTTP mark when the stack chose it, the ACME solver's pods. */
export function routeTls(tls: TlsPlatform) {
    const { mode, explicit } = tls.choice;
    return {
        ...(tls.forHost ? { tls: tls.forHost } : {}),
        ...(mode === "off" && explicit ? { annotations: PLAIN_HTTP_ANNOTATION } : {}),
        // cert-manager starts ACME's HTTP-01 solver pods in the app's namespace: the controller must reach them.
        ...(mode === "acme" ? { routedPods: [ACME_SOLVER_PODS] } : {}),
    };
}

/** The URL a user opens. */
export const routeUrl = (tls: TlsPlatform, host: string) => `${tls.forHost ? "https" : "http"}://${host}/`;

/** The `tls` stack output: the mode, and why the routes are plain HTTP when nobody chose that. */
export function tlsOutput(tls: TlsPlatform) {
    const { mode, warning, dns } = tls.choice;
    return { mode, ...(dns ? { zone: dns.zone } : {}), ...(warning ? { warning } : {}) };
}
