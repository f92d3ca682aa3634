/**
 * `tls` and `dns` refused at validation, with zero resources: a mode the target cannot do, acme
 * without an email, managed without a zone, a zone id that is not one, hosts outside the zone; and
 * on app stacks, what their platform stack cannot do (only the StackReference read is registered).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cloudStateFor } from "./cloud-mocks";
import { expectConfigRejected } from "./config-errors";
import { RunOptions, RunResult, runProgram } from "./harness";

const ZONE = JSON.stringify({ zone: "example.com", zoneId: "Z0123456789ABCDEFGHIJ" });
const GKE_ZONE = JSON.stringify({ zone: "example.com", zoneId: "example-com" });
const REFERENCE = "pulumi:pulumi:StackReference";
const ORG = "organization/ticketbuster";

const run = (stack: string, extra: Partial<RunOptions> = {}) =>
    runProgram({ stack, state: cloudStateFor(stack, (extra.config ?? {}) as Record<string, string>), ...extra });

interface Case {
    what: string;
    stack: string;
    config: Record<string, string | undefined>;
    expect: string[];
}

const cases: Case[] = [
    {
        what: "managed certificates on local",
        stack: "dev",
        config: { tls: '{"mode":"managed"}' },
        expect: ['ticketbuster:tls.mode: got "managed"', "allowed: off, self-signed, acme on local", "managed certificates are a cloud's"],
    },
    {
        what: "acme without an email",
        stack: "dev",
        config: { tls: '{"mode":"acme"}' },
        expect: ["ticketbuster:tls.acme.email: got nothing", "allowed: an email address"],
    },
    {
        what: "an acme email that is not an address",
        stack: "dev",
        config: { tls: '{"mode":"acme","acme":{"email":"ops"}}' },
        expect: ['ticketbuster:tls.acme.email: got "ops"', "allowed: an email address"],
    },
    {
        what: "an unknown ACME server",
        stack: "dev",
        config: { tls: '{"mode":"acme","acme":{"email":"ops@example.com","server":"prod"}}' },
        expect: ['ticketbuster:tls.acme.server: got "prod"', "allowed: production, staging"],
    },
    {
        what: "an ACME account with another mode",
        stack: "dev",
        config: { tls: '{"acme":{"email":"ops@example.com"}}' },
        expect: ["ticketbuster:tls.acme: got", "allowed: only with tls.mode acme (tls.mode is self-signed by default)"],
    },
    { what: "an unknown tls mode", stack: "dev", config: { tls: '{"mode":"letsencrypt"}' }, expect: ['ticketbuster:tls.mode: got "letsencrypt"', "allowed: off, self-signed, acme, managed"] },
    { what: "an unknown tls key", stack: "dev", config: { tls: '{"mode":"off","issuer":"x"}' }, expect: ["ticketbuster:tls.issuer: unknown key", "allowed: mode, acme"] },
    { what: "a DNS zone on local", stack: "dev", config: { dns: ZONE }, expect: ["ticketbuster:dns: got", "allowed: nothing on the local target", "/etc/hosts"] },
    {
        what: "managed without a zone (EKS)",
        stack: "eks",
        config: { tls: '{"mode":"managed"}' },
        expect: ['ticketbuster:tls.mode: got "managed"', "allowed: managed only with dns.zone and dns.zoneId set"],
    },
    { what: "managed without a zone (GKE)", stack: "gke", config: { tls: '{"mode":"managed"}', dns: undefined }, expect: ["allowed: managed only with dns.zone and dns.zoneId set"] },
    {
        what: "cert-manager modes on EKS",
        stack: "eks",
        config: { tls: '{"mode":"self-signed"}', dns: ZONE },
        expect: ['ticketbuster:tls.mode: got "self-signed"', "allowed: off, managed on eks", "cert-manager runs on the local target only"],
    },
    { what: "acme on GKE", stack: "gke", config: { tls: '{"mode":"acme","acme":{"email":"ops@example.com"}}' }, expect: ['ticketbuster:tls.mode: got "acme"', "allowed: off, managed on gke"] },
    {
        what: "a Route 53 zone id that is not one",
        stack: "eks",
        config: { dns: GKE_ZONE },
        expect: ['ticketbuster:dns.zoneId: got "example-com"', "allowed: a Route 53 hosted zone id"],
    },
    { what: "a Cloud DNS zone name that is not one", stack: "gke", config: { dns: ZONE }, expect: ['ticketbuster:dns.zoneId: got "Z0123456789ABCDEFGHIJ"', "allowed: a Cloud DNS managed zone's name"] },
    { what: "a zone that is not a domain", stack: "eks", config: { dns: '{"zone":"example.com.","zoneId":"Z01"}' }, expect: ['ticketbuster:dns.zone: got "example.com."', "without the trailing dot"] },
    { what: "a zone without its id", stack: "eks", config: { dns: '{"zone":"example.com"}' }, expect: ["ticketbuster:dns.zoneId: got nothing", "required with dns.zone"] },
    {
        what: "a route host outside the zone",
        stack: "eks",
        config: { app: "flores-victoria", dns: ZONE, routeHost: "shop.example.org" },
        expect: ['ticketbuster:routeHost: got "shop.example.org"', "allowed: a host inside dns.zone example.com (e.g. shop.example.com)"],
    },
    {
        what: "Grafana's host outside the zone",
        stack: "gke",
        config: { dns: GKE_ZONE, addons: '{"monitoring":true,"grafanaHost":"grafana.local"}' },
        expect: ['ticketbuster:addons.grafanaHost: got "grafana.local"', "allowed: a host inside dns.zone example.com"],
    },
];

describe("tls and dns refused at validation, with nothing created", () => {
    it.each(cases)("$what", async (c) => {
        expectConfigRejected(await run(c.stack, { config: c.config }), c.expect);
    });

    it("names every problem at once", async () => {
        const r = await run("eks", { config: { tls: '{"mode":"acme"}', dns: GKE_ZONE } });
        expectConfigRejected(r, ['ticketbuster:tls.mode: got "acme"', 'ticketbuster:dns.zoneId: got "example-com"', "ticketbuster:tls.acme.email: got nothing"]);
    });
});

describe("app stacks: what their platform cannot do", () => {
    const platforms: Record<string, RunResult> = {};
    const output = (stack: string) => platforms[stack].outputs.platform as Record<string, any>;
    beforeAll(async () => {
        for (const stack of ["platform-local", "platform-eks"]) {
            platforms[stack] = await run(stack);
            if (platforms[stack].error) throw platforms[stack].error;
        }
        platforms["platform-local-plain"] = await run("platform-local", { config: { tls: '{"mode":"off"}' } });
        platforms["platform-eks-no-zone"] = await run("platform-eks", { config: { dns: undefined } });
    }, 120_000);

    it("refuses an ACME account on an app stack, before reading the platform", async () => {
        const r = await run("bookstore-local", { config: { tls: '{"mode":"acme","acme":{"email":"ops@example.com"}}' } });
        expectConfigRejected(r, ["ticketbuster:tls.acme: got", "allowed: nothing on an app stack", "set tls.acme there"]);
    });

    const referenced: { what: string; stack: string; platform: string; config: Record<string, string | undefined>; expect: string[] }[] = [
        {
            what: "self-signed on a local platform without cert-manager",
            stack: "bookstore-local",
            platform: "platform-local-plain",
            config: { tls: '{"mode":"self-signed"}' },
            expect: ['ticketbuster:tls.mode: got "self-signed"', "has no ClusterIssuer for self-signed (it has: none, its tls.mode is off)"],
        },
        {
            what: "acme on a local platform without an ACME issuer",
            stack: "bookstore-local",
            platform: "platform-local",
            config: { tls: '{"mode":"acme"}' },
            expect: ['ticketbuster:tls.mode: got "acme"', "has no ClusterIssuer for acme (it has: self-signed)", "set tls.mode acme and tls.acme there"],
        },
        {
            what: "managed on a local platform",
            stack: "bookstore-local",
            platform: "platform-local",
            config: { tls: '{"mode":"managed"}' },
            expect: ['ticketbuster:tls.mode: got "managed"', "allowed: off, self-signed, acme on local (the platform stack organization/ticketbuster/platform-local's target)"],
        },
        {
            what: "managed on an EKS platform, with no zone here or there",
            stack: "bookstore-eks",
            platform: "platform-eks-no-zone",
            config: { tls: '{"mode":"managed"}' },
            expect: ["allowed: managed only with dns.zone and dns.zoneId set"],
        },
        {
            what: "a route host outside the app stack's zone",
            stack: "bookstore-eks",
            platform: "platform-eks",
            config: { dns: ZONE, routeHost: "bookstore.example.org" },
            expect: ['ticketbuster:routeHost: got "bookstore.example.org"', "allowed: a host inside dns.zone example.com"],
        },
    ];
    it.each(referenced)("$what", async (c) => {
        const reference = `${ORG}/${c.stack.endsWith("-eks") ? "platform-eks" : "platform-local"}`;
        const r = await run(c.stack, { config: c.config, platforms: { [reference]: output(c.platform) } });
        expect(r.error?.name).toBe("ConfigError");
        for (const fragment of c.expect) expect(r.error?.message).toContain(fragment);
        expect(r.resources.map((x) => x.type)).toEqual([REFERENCE]);
    });

    it("refuses TLS on a platform whose output predates TLS capabilities", async () => {
        const { tls: _, ...old } = output("platform-local");
        const r = await run("bookstore-local", { config: { tls: '{"mode":"self-signed"}' }, platforms: { [`${ORG}/platform-local`]: old } });
        expect(r.error?.message).toContain("exports no TLS capabilities (deployed by an older version of this program)");
        expect(r.resources.map((x) => x.type)).toEqual([REFERENCE]);
    });
});
