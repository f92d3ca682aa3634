/** The `tls` and `dns` keys of a stack, parsed and (where the stack owns its cluster) resolved for its target. */
import { z } from "zod";
import { json } from "./rules";
import type { BaseConfig } from "./schema";
import { appStackTlsProblems, dnsSchema, HostKey, resolveTls, TlsChoice, TlsRequest, tlsSchema } from "./tls";

const tlsKey = json(tlsSchema);
const dnsKey = json(dnsSchema);

type ProblemsOf = (ns: string, error: z.ZodError, raw: Record<string, unknown>, prefix?: string[]) => string[];

/**
 * A stack that owns its cluster gets its TLS resolved here (the target is known); an app stack keeps
 * its request, resolved once its platform's output is read (stacks/reference.ts). Problems are
 * appended; undefined when the keys do not parse.
 */
export function tlsSection(
    ns: string,
    raw: Record<string, string>,
    base: BaseConfig,
    grafanaHost: string | undefined,
    problems: string[],
    problemsOf: ProblemsOf,
): TlsChoice | TlsRequest | undefined {
    const tls = tlsKey.safeParse(raw.tls ?? "{}", { reportInput: true });
    if (!tls.success) problems.push(...problemsOf(ns, tls.error, { tls: raw.tls }, ["tls"]));
    const dns = raw.dns === undefined ? undefined : dnsKey.safeParse(raw.dns, { reportInput: true });
    if (dns && !dns.success) problems.push(...problemsOf(ns, dns.error, { dns: raw.dns }, ["dns"]));
    if (!tls.success || (dns && !dns.success)) return undefined;
    const request: TlsRequest = { ...tls.data, ...(dns?.success ? { dns: dns.data } : {}) };

    if (base.platform !== undefined) {
        const refused = appStackTlsProblems(request, base.platform, ns);
        problems.push(...refused);
        return refused.length > 0 ? undefined : request;
    }
    const hosts: HostKey[] = [
        ...(base.routeHost !== undefined ? [{ key: "routeHost", host: base.routeHost }] : []),
        ...(grafanaHost !== undefined ? [{ key: "addons.grafanaHost", host: grafanaHost }] : []),
    ];
    const { choice, problems: found } = resolveTls(base.target, request, hosts, ns);
    problems.push(...found);
    return choice;
}

/** Explicitly set hosts of an app stack, checked against the zone once the platform's is known. */
export const appStackHosts = (routeHost: string | undefined): HostKey[] => (routeHost !== undefined ? [{ key: "routeHost", host: routeHost }] : []);
