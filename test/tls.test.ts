/**
 * HTTPS and DNS of the routes (issue 18), per target and tls.mode, under mocks: the certificate
 * objects, the listeners and annotations, the HTTP-to-HTTPS redirect, the DNS records and what they
 * point at, ACM's validation record (EKS), the certificate map (GKE), Grafana's host, the app stacks
 * on a platform, and the outputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ACME_SERVERS } from "../config/tls";
import { cloudStateFor, EKS, GKE, platformsFor } from "./cloud-mocks";
import { isKubernetes, one, plain, Registered, RunOptions, RunResult, runProgram } from "./harness";
import { byType, INGRESS, NETPOL, objects } from "./targets";

const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const CLUSTER_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const CHART = "kubernetes:helm.sh/v4:Chart";
const EKS_ZONE = { zone: "example.com", zoneId: "Z0123456789ABCDEFGHIJ" };
const GKE_ZONE = { zone: "example.com", zoneId: "example-com" };
const GRAFANA = { addons: '{"monitoring":true,"grafanaHost":"grafana.example.com"}' };

const run = async (stack: string, config: Record<string, string | undefined> = {}, extra: Partial<RunOptions> = {}) => {
    const r = await runProgram({
        stack,
        config,
        state: cloudStateFor(stack, config as Record<string, string>),
        platforms: await platformsFor(stack, config as Record<string, string>),
        ...extra,
    });
    if (r.error) throw r.error;
    return r;
};
const inputs = (r: Registered) => plain(r.inputs);
const all = (r: RunResult, type: string) => byType(r, type).map(inputs);
const named = (r: RunResult, type: string, name: string) => inputs(one(r.resources, type, name));
const byPulumiName = (r: RunResult, type: string, name: string) => {
    const found = r.resources.filter((x) => x.type === type && x.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
};
/** The HTTPRoute rule that answers HTTP with a redirect to https://<host>/ (port 443, 301). */
const REDIRECT = [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", port: 443, statusCode: 301 } }] }];
/** Whether x waits for the resource of this type and name (explicitly or through an output it reads). */
const dependsOn = (r: RunResult, x: Registered, type: string, name: string) => {
    byPulumiName(r, type, name);
    return x.dependencies.some((d) => d.endsWith(`${type}::${name}`));
};

describe("local, self-signed (the default): cert-manager, the local CA, a Certificate per host", () => {
    let r: RunResult;
    beforeAll(async () => {
        r = await run("dev", { app: "flores-victoria", ...GRAFANA, addons: '{"monitoring":true,"grafanaHost":"grafana.local"}' });
    });

    it("installs cert-manager in its own restricted namespace, with its CRDs and without the hook Job", () => {
        const chart = all(r, CHART).find((c) => c.chart === "cert-manager")!;
        expect(chart.namespace).toBe("cert-manager");
        expect(chart.values.crds).toEqual({ enabled: true });
        expect(chart.values.startupapicheck).toEqual({ enabled: false });
        expect(chart.values.global.priorityClassName).toBe("ticketbuster-addons");
        expect(named(r, "kubernetes:core/v1:Namespace", "cert-manager").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
        // Gateway API support only for ACME's HTTP-01 through a Gateway.
        expect(chart.values.config).toBeUndefined();
    });

    it("chains a self-signed ClusterIssuer -> a CA Certificate in cert-manager's namespace -> the CA ClusterIssuer", () => {
        const issuers = Object.fromEntries(all(r, CLUSTER_ISSUER).map((i) => [i.metadata.name, i.spec]));
        expect(issuers).toEqual({ "ticketbuster-selfsigned": { selfSigned: {} }, "ticketbuster-local-ca": { ca: { secretName: "ticketbuster-local-ca" } } });
        const ca = named(r, CERTIFICATE, "ticketbuster-local-ca");
        expect(ca.metadata.namespace).toBe("cert-manager");
        expect(ca.spec).toMatchObject({ isCA: true, secretName: "ticketbuster-local-ca", issuerRef: { kind: "ClusterIssuer", name: "ticketbuster-selfsigned" } });
        const caIssuer = byPulumiName(r, CLUSTER_ISSUER, "cluster-issuers-local-ca");
        expect(dependsOn(r, caIssuer, CERTIFICATE, "cluster-issuers-local-ca")).toBe(true);
        for (const x of [...byType(r, CLUSTER_ISSUER), byPulumiName(r, CERTIFICATE, "cluster-issuers-local-ca")]) {
            expect(x.dependencies.some((d) => d.includes("CertManager$kubernetes:helm.sh/v4:Chart::cert-manager")), x.name).toBe(true);
        }
    });

    it("issues the app host's certificate from the CA into a Secret of the app's namespace, waiting for Ready with a bound", () => {
        const cert = named(r, CERTIFICATE, "flores-victoria");
        expect(cert.metadata.namespace).toBe("flores-victoria");
        expect(cert.metadata.annotations).toEqual({ "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "300" });
        expect(cert.spec).toEqual({
            secretName: "flores-victoria-tls",
            dnsNames: ["floresvictoria.local"],
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "ticketbuster-local-ca" },
        });
    });

    it("gives the Gateway an HTTPS listener on Traefik's websecure port with the certificate's Secret, after the certificate", () => {
        const gw = named(r, GATEWAY, "flores-victoria");
        expect(gw.spec.listeners).toEqual([
            { name: "http", protocol: "HTTP", port: 8000, hostname: "floresvictoria.local", allowedRoutes: { namespaces: { from: "Same" } } },
            {
                name: "https",
                protocol: "HTTPS",
                port: 8443,
                hostname: "floresvictoria.local",
                allowedRoutes: { namespaces: { from: "Same" } },
                tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "flores-victoria-tls" }] },
            },
        ]);
        expect(dependsOn(r, byPulumiName(r, GATEWAY, "routes"), CERTIFICATE, "flores-victoria-certificate")).toBe(true);
    });

    it("serves the app on HTTPS only: its HTTPRoute on the https listener, a redirect route on http", () => {
        expect(named(r, HTTPROUTE, "flores-victoria").spec.parentRefs).toEqual([{ name: "flores-victoria", sectionName: "https" }]);
        const redirect = named(r, HTTPROUTE, "flores-victoria-redirect");
        expect(redirect.spec).toEqual({ parentRefs: [{ name: "flores-victoria", sectionName: "http" }], hostnames: ["floresvictoria.local"], rules: REDIRECT });
    });

    it("publishes Traefik's websecure on 443 and redirects what no route claims on web (lowest priority)", () => {
        const traefik = all(r, CHART).find((c) => c.chart === "traefik")!;
        expect(traefik.values.ports).toEqual({
            web: { port: 8000, exposedPort: 80, redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true, priority: 1 } } },
            websecure: { port: 8443, exposedPort: 443, expose: { default: true }, tls: { enabled: true } },
        });
    });

    it("gives Grafana's host the same: a certificate in monitoring, an HTTPS listener, a redirect", () => {
        expect(named(r, CERTIFICATE, "grafana").metadata.namespace).toBe("monitoring");
        expect(named(r, CERTIFICATE, "grafana").spec.dnsNames).toEqual(["grafana.local"]);
        expect(named(r, GATEWAY, "grafana").spec.listeners.map((l: any) => [l.name, l.port, l.tls?.certificateRefs?.[0].name])).toEqual([
            ["http", 8000, undefined],
            ["https", 8443, "grafana-tls"],
        ]);
        expect(named(r, HTTPROUTE, "grafana").spec.parentRefs).toEqual([{ name: "grafana", sectionName: "https" }]);
        expect(named(r, HTTPROUTE, "grafana-redirect").spec.rules).toEqual(REDIRECT);
    });

    it("prints https URLs, the mode and how to export the CA to trust it", () => {
        expect(r.outputs.routes).toBe("https://floresvictoria.local/ (gateway)");
        expect((r.outputs.addons as any).grafana).toBe("https://grafana.local/");
        expect(r.outputs.tls).toEqual({ mode: "self-signed" });
        expect(r.outputs.trustLocalCa).toBe(
            "kubectl get secret -n cert-manager ticketbuster-local-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d > ticketbuster-local-ca.crt",
        );
    });

    it("exports its TLS capabilities for app stacks: the mode, the HTTPS listener port and the ClusterIssuer", () => {
        expect((r.outputs.platform as any).tls).toEqual({ mode: "self-signed", httpsPort: 8443, clusterIssuers: { "self-signed": "ticketbuster-local-ca" } });
    });
});

describe("local, self-signed, as an Ingress", () => {
    it("puts the Secret in spec.tls and routes the host on Traefik's websecure entrypoint only (web redirects it)", async () => {
        const r = await run("dev", { app: "ticketing", routing: "ingress" });
        const ing = named(r, INGRESS, "ticketing");
        expect(ing.spec.tls).toEqual([{ hosts: ["ticketing.local"], secretName: "ticketing-tls" }]);
        expect(ing.metadata.annotations).toEqual({ "traefik.ingress.kubernetes.io/router.entrypoints": "websecure", "traefik.ingress.kubernetes.io/router.tls": "true" });
        expect(named(r, CERTIFICATE, "ticketing").metadata.labels["ticketbuster.io/acme-solver"]).toBeUndefined();
        expect(byType(r, HTTPROUTE)).toHaveLength(0);
        expect(r.outputs.routes).toBe("https://ticketing.local/ (ingress)");
    });
});

describe("local, acme", () => {
    const acme = (server?: string) => JSON.stringify({ mode: "acme", acme: { email: "ops@example.com", ...(server ? { server } : {}) } });
    let r: RunResult;
    beforeAll(async () => {
        r = await run("dev", { app: "bookstore", tls: acme() });
    });

    it("registers a Let's Encrypt staging ClusterIssuer with a solver per routing form", () => {
        const issuer = named(r, CLUSTER_ISSUER, "letsencrypt-staging");
        expect(issuer.spec.acme).toEqual({
            email: "ops@example.com",
            server: ACME_SERVERS.staging,
            privateKeySecretRef: { name: "letsencrypt-staging-account" },
            solvers: [
                { selector: { matchLabels: { "ticketbuster.io/acme-solver": "ingress" } }, http01: { ingress: { ingressClassName: "traefik" } } },
                {
                    selector: { matchLabels: { "ticketbuster.io/acme-solver": "gateway" } },
                    http01: { gatewayHTTPRoute: { parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "acme-http01", namespace: "traefik", sectionName: "http" }] } },
                },
            ],
        });
        expect(issuer.metadata.annotations["pulumi.com/waitFor"]).toBe("condition=Ready");
    });

    it("gives the solver's routes a Gateway of their own in Traefik's namespace, open to every namespace, and turns on cert-manager's Gateway API support", () => {
        expect(named(r, GATEWAY, "acme-http01")).toMatchObject({
            metadata: { namespace: "traefik" },
            spec: { gatewayClassName: "traefik", listeners: [{ name: "http", protocol: "HTTP", port: 8000, allowedRoutes: { namespaces: { from: "All" } } }] },
        });
        const chart = all(r, CHART).find((c) => c.chart === "cert-manager")!;
        expect(chart.values.config).toEqual({ apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", gatewayAPI: { enabled: true } });
    });

    it("issues the host's certificate from it, picking the Gateway solver, with a longer bound", () => {
        const cert = named(r, CERTIFICATE, "bookstore");
        expect(cert.spec.issuerRef.name).toBe("letsencrypt-staging");
        expect(cert.metadata.labels["ticketbuster.io/acme-solver"]).toBe("gateway");
        expect(cert.metadata.annotations["pulumi.com/timeoutSeconds"]).toBe("600");
        const resource = byPulumiName(r, CERTIFICATE, "bookstore-certificate");
        expect(resource.customTimeouts).toEqual({ create: "600s", update: "600s", delete: "" });
        expect(resource.dependencies.some((d) => d.includes("ticketbuster:tls:ClusterIssuers"))).toBe(true);
        expect(r.outputs.trustLocalCa).toBeUndefined();
    });

    it("lets Traefik reach the HTTP-01 solver pods cert-manager starts in the app's namespace (port 8089)", () => {
        expect(objects(r, NETPOL)["allow-routes-acme-http01-solver"].spec).toEqual({
            podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }], ports: [{ protocol: "TCP", port: 8089 }] }],
        });
    });

    it("uses Let's Encrypt production when asked, and the Ingress solver for Ingress routes", async () => {
        const p = await run("dev", { app: "bookstore", routing: "ingress", tls: acme("production") });
        expect(named(p, CLUSTER_ISSUER, "letsencrypt-production").spec.acme.server).toBe(ACME_SERVERS.production);
        expect(named(p, CERTIFICATE, "bookstore").metadata.labels["ticketbuster.io/acme-solver"]).toBe("ingress");
        expect((p.outputs.platform as any).tls.clusterIssuers).toEqual({ "self-signed": "ticketbuster-local-ca", acme: "letsencrypt-production" });
    });
});

describe("NetworkPolicy admission with TLS", () => {
    it("keeps the routed tiers' policies of plain HTTP (TLS ends at the controller, which reaches the same backend ports)", async () => {
        const policies = async (tls: string) => {
            const r = await run("dev", { app: "ticketing", tls });
            return Object.fromEntries(Object.entries(objects(r, NETPOL)).filter(([name]) => name.startsWith("allow-routes-")));
        };
        const plainHttp = await policies('{"mode":"off"}');
        expect(Object.keys(plainHttp).length).toBeGreaterThan(3);
        expect(await policies('{"mode":"self-signed"}')).toEqual(plainHttp);
        // ACME adds only the solver pods' admission.
        const acme = await policies('{"mode":"acme","acme":{"email":"ops@example.com"}}');
        expect(Object.keys(acme).filter((k) => !(k in plainHttp))).toEqual(["allow-routes-acme-http01-solver"]);
    });
});

describe("local, off", () => {
    it("installs no cert-manager, keeps Traefik and the routes as plain HTTP, and marks the routes as a choice", async () => {
        const r = await run("dev", { app: "proyecto06", tls: '{"mode":"off"}' });
        expect(all(r, CHART).map((c) => c.chart)).not.toContain("cert-manager");
        expect(byType(r, CERTIFICATE)).toHaveLength(0);
        expect(byType(r, CLUSTER_ISSUER)).toHaveLength(0);
        expect(all(r, CHART).find((c) => c.chart === "traefik")!.values.ports).toEqual({ web: { port: 8000, exposedPort: 80 }, websecure: { expose: { default: false } } });
        const gw = named(r, GATEWAY, "proyecto06");
        expect(gw.spec.listeners.map((l: any) => l.name)).toEqual(["http"]);
        expect(gw.metadata.annotations).toEqual({ "ticketbuster.io/tls": "plain-http" });
        expect(byType(r, HTTPROUTE).map((x) => inputs(x).spec.parentRefs)).toEqual([[{ name: "proyecto06", sectionName: "http" }]]);
        expect(r.outputs.routes).toBe("http://proyecto06.local/ (gateway)");
        expect(r.outputs.tls).toEqual({ mode: "off" });
    });
});

describe("EKS, managed (dns.zone set): ACM, the ALB's HTTPS listener, a Route 53 alias", () => {
    let r: RunResult;
    beforeAll(async () => {
        r = await run("eks", { app: "flores-victoria", tls: undefined, dns: JSON.stringify(EKS_ZONE), ...GRAFANA });
    });
    const host = "floresvictoria.example.com";

    it("requests an ACM certificate for the host (its first label in the zone), DNS-validated by a record the program writes", () => {
        const cert = inputs(byPulumiName(r, "aws:acm/certificate:Certificate", "flores-victoria-certificate"));
        expect(cert).toEqual({ domainName: host, validationMethod: "DNS", tags: { Host: host } });
        const record = inputs(byPulumiName(r, "aws:route53/record:Record", "flores-victoria-certificate-validation"));
        expect(record).toEqual({
            zoneId: EKS_ZONE.zoneId,
            name: `_${EKS.acmToken}.${host}.`,
            type: "CNAME",
            records: [`_${EKS.acmToken}.acm-validations.aws.`],
            ttl: 300,
            allowOverwrite: true,
        });
        const validation = byPulumiName(r, "aws:acm/certificateValidation:CertificateValidation", "flores-victoria-certificate");
        expect(inputs(validation)).toEqual({ certificateArn: `arn:aws:acm:${EKS.region}:${EKS.account}:certificate/flores-victoria-certificate`, validationRecordFqdns: [`_${EKS.acmToken}.${host}`] });
        for (const x of r.resources.filter((x) => /^aws:(acm|route53)\//.test(x.type))) expect(x.provider, x.name).toMatch(/::pulumi:providers:aws::aws::/);
    });

    it("puts the validated certificate on the ALB's HTTPS listener (LoadBalancerConfiguration), internet-facing, IP targets", () => {
        const lb = named(r, "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration", "flores-victoria");
        expect(lb.spec).toEqual({
            scheme: "internet-facing",
            listenerConfigurations: [{ protocolPort: "HTTPS:443", defaultCertificate: `arn:aws:acm:${EKS.region}:${EKS.account}:certificate/flores-victoria-certificate` }],
        });
        const targets = all(r, "kubernetes:gateway.k8s.aws/v1beta1:TargetGroupConfiguration").filter((t) => t.metadata.namespace === "flores-victoria");
        expect(targets.map((t) => [t.metadata.name, t.spec])).toEqual([
            ["frontend", { targetReference: { name: "frontend" }, defaultConfiguration: { targetType: "ip" } }],
            ["api-gateway", { targetReference: { name: "api-gateway" }, defaultConfiguration: { targetType: "ip" } }],
        ]);
        const gw = named(r, GATEWAY, "flores-victoria");
        expect(gw.spec.infrastructure).toEqual({ parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "flores-victoria" } });
        expect(gw.spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.tls])).toEqual([
            ["http", "HTTP", 80, undefined],
            ["https", "HTTPS", 443, undefined],
        ]);
        expect(gw.metadata.annotations).toEqual({ "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}", "pulumi.com/timeoutSeconds": "900" });
        expect(named(r, HTTPROUTE, "flores-victoria-redirect").spec.rules).toEqual(REDIRECT);
    });

    it("points the host at the ALB the controller reported in the Gateway's status (an alias in the zone)", () => {
        const alias = byPulumiName(r, "aws:route53/record:Record", "flores-victoria-alias");
        expect(inputs(alias)).toEqual({ zoneId: EKS_ZONE.zoneId, name: host, type: "A", aliases: [{ name: EKS.albHostname, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }] });
        expect(dependsOn(r, alias, GATEWAY, "routes")).toBe(true);
    });

    it("bounds the wait for ACM's validation (its own default is 75 minutes)", () => {
        for (const name of ["flores-victoria-certificate", "grafana-certificate"]) {
            expect(byPulumiName(r, "aws:acm/certificateValidation:CertificateValidation", name).customTimeouts.create).toBe("30m");
        }
    });

    it("treats Grafana's host the same way", () => {
        expect(inputs(byPulumiName(r, "aws:acm/certificate:Certificate", "grafana-certificate")).domainName).toBe("grafana.example.com");
        expect(inputs(byPulumiName(r, "aws:route53/record:Record", "grafana-alias")).name).toBe("grafana.example.com");
        expect(named(r, "kubernetes:gateway.k8s.aws/v1beta1:TargetGroupConfiguration", "monitoring-grafana").metadata.namespace).toBe("monitoring");
        expect((r.outputs.addons as any).grafana).toBe("https://grafana.example.com/");
    });

    it("prints the https URL and exports the zone for app stacks", () => {
        expect(r.outputs.routes).toBe(`https://${host}/ (gateway)`);
        expect(r.outputs.tls).toEqual({ mode: "managed", zone: "example.com" });
        expect((r.outputs.platform as any).tls).toEqual({ mode: "managed", httpsPort: 443, clusterIssuers: {}, dns: EKS_ZONE });
    });
});

describe("EKS, managed, as an Ingress", () => {
    it("gives the ALB the certificate, both listeners and the SSL redirect by annotations, and aliases the host to the Ingress's address", async () => {
        const r = await run("eks", { app: "bookstore", routing: "ingress", tls: undefined, dns: JSON.stringify(EKS_ZONE), routeHost: "shop.example.com" });
        expect(named(r, INGRESS, "bookstore").metadata.annotations).toEqual({
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/certificate-arn": `arn:aws:acm:${EKS.region}:${EKS.account}:certificate/bookstore-certificate`,
            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
            "alb.ingress.kubernetes.io/ssl-redirect": "443",
        });
        expect(byType(r, "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration")).toHaveLength(0);
        const alias = byPulumiName(r, "aws:route53/record:Record", "bookstore-alias");
        expect(inputs(alias).name).toBe("shop.example.com");
        expect(inputs(alias).aliases[0].name).toBe(EKS.albHostname);
        expect(dependsOn(r, alias, INGRESS, "routes")).toBe(true);
        expect(r.outputs.routes).toBe("https://shop.example.com/ (ingress)");
    });
});

describe("EKS without a zone", () => {
    it("stays plain HTTP with a warning in the outputs, unmarked (the policy pack reports it)", async () => {
        const r = await run("eks", { app: "bookstore", tls: undefined });
        expect(r.resources.filter((x) => /^aws:(acm|route53)\//.test(x.type))).toEqual([]);
        expect(named(r, GATEWAY, "bookstore").spec.listeners.map((l: any) => l.name)).toEqual(["http"]);
        expect(named(r, GATEWAY, "bookstore").metadata.annotations).toBeUndefined();
        expect(r.outputs.tls).toEqual({ mode: "off", warning: expect.stringContaining("routes are plain HTTP: set dns.zone and dns.zoneId") });
        expect(r.outputs.routes).toBe("http://bookstore.local/ (gateway)");
    });
});

describe("GKE, managed: Certificate Manager, a certificate map, a reserved IP, Cloud DNS", () => {
    let r: RunResult;
    beforeAll(async () => {
        r = await run("gke", { app: "ticketing" });
    });
    const host = "ticketing.example.com";

    it("authorizes the host through a CNAME in the zone, and issues a Google-managed certificate with that authorization", () => {
        const auth = byPulumiName(r, "gcp:certificatemanager/dnsAuthorization:DnsAuthorization", "ticketing-dns-authorization");
        expect(inputs(auth).domain).toBe(host);
        expect(inputs(byPulumiName(r, "gcp:dns/recordSet:RecordSet", "ticketing-dns-authorization"))).toEqual({
            managedZone: GKE_ZONE.zoneId,
            name: `_acme-challenge.${host}.`,
            type: "CNAME",
            ttl: 300,
            rrdatas: [`${GKE.authorizationToken}.9.authorize.certificatemanager.goog.`],
        });
        const cert = inputs(byPulumiName(r, "gcp:certificatemanager/certificate:Certificate", "ticketing-certificate"));
        expect(cert.managed).toEqual({ domains: [host], dnsAuthorizations: [`${auth.name}-id`] });
    });

    it("maps the host to the certificate in a certificate map the Gateway names, on a reserved global IP", () => {
        const entry = inputs(byPulumiName(r, "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", "ticketing-certificate-map"));
        expect(entry).toMatchObject({ map: "ticketing-certificate-map-a1b2c3d", hostname: host, certificates: ["ticketing-certificate-id"] });
        const gw = named(r, GATEWAY, "ticketing");
        expect(gw.metadata.annotations).toEqual({ "networking.gke.io/certmap": "ticketing-certificate-map-a1b2c3d" });
        expect(gw.spec.addresses).toEqual([{ type: "NamedAddress", value: "ticketing-address-a1b2c3d" }]);
        expect(gw.spec.listeners.map((l: any) => [l.name, l.protocol, l.port])).toEqual([
            ["http", "HTTP", 80],
            ["https", "HTTPS", 443],
        ]);
        expect(dependsOn(r, byPulumiName(r, GATEWAY, "routes"), "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", "ticketing-certificate-map")).toBe(true);
        expect(named(r, HTTPROUTE, "ticketing-redirect").spec.rules).toEqual(REDIRECT);
        expect(named(r, HTTPROUTE, "ticketing").spec.parentRefs).toEqual([{ name: "ticketing", sectionName: "https" }]);
    });

    it("points the host at the reserved IP with an A record", () => {
        expect(inputs(byPulumiName(r, "gcp:dns/recordSet:RecordSet", "ticketing-address"))).toEqual({ managedZone: GKE_ZONE.zoneId, name: `${host}.`, type: "A", ttl: 300, rrdatas: [GKE.address] });
        for (const x of r.resources.filter((x) => /^gcp:(certificatemanager|dns)\//.test(x.type))) expect(x.provider, x.name).toMatch(/::pulumi:providers:gcp::gcp::/);
        expect(r.outputs.routes).toBe(`https://${host}/ (gateway)`);
    });

    it("as an Ingress: a Google-managed SSL certificate (pre-shared-cert), the reserved IP and a FrontendConfig that redirects HTTP", async () => {
        const i = await run("gke", { app: "ticketing", routing: "ingress" });
        expect(inputs(byPulumiName(i, "gcp:compute/managedSslCertificate:ManagedSslCertificate", "ticketing-certificate")).managed).toEqual({ domains: [`${host}.`] });
        expect(named(i, INGRESS, "ticketing").metadata.annotations).toEqual({
            "ingress.gcp.kubernetes.io/pre-shared-cert": "ticketing-certificate-a1b2c3d",
            "kubernetes.io/ingress.global-static-ip-name": "ticketing-address-a1b2c3d",
            "networking.gke.io/v1beta1.FrontendConfig": "ticketing-https-redirect",
        });
        expect(named(i, "kubernetes:networking.gke.io/v1beta1:FrontendConfig", "ticketing-https-redirect").spec).toEqual({
            redirectToHttps: { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" },
        });
        expect(byType(i, "gcp:certificatemanager/certificateMap:CertificateMap")).toHaveLength(0);
        expect(inputs(byPulumiName(i, "gcp:dns/recordSet:RecordSet", "ticketing-address")).rrdatas).toEqual([GKE.address]);
    });
});

describe("app stacks take their TLS from their platform", () => {
    it("local: the app's Certificate from the platform's CA ClusterIssuer, no cert-manager of its own", async () => {
        const r = await run("bookstore-local");
        expect(named(r, CERTIFICATE, "bookstore").spec.issuerRef.name).toBe("ticketbuster-local-ca");
        expect(byType(r, CLUSTER_ISSUER)).toHaveLength(0);
        expect(all(r, CHART)).toEqual([]);
        expect(named(r, GATEWAY, "bookstore").spec.listeners[1].port).toBe(8443);
        expect(r.outputs.routes).toBe("https://bookstore.local/ (gateway)");
        expect(r.outputs.trustLocalCa).toContain("ticketbuster-local-ca");
    });

    it("EKS: the platform's zone, ACM and Route 53 through the app stack's own AWS provider in the platform's region", async () => {
        const r = await run("bookstore-eks");
        const providers = r.resources.filter((x) => x.type === "pulumi:providers:aws");
        expect(providers.map((p) => [p.name, plain(p.inputs).region])).toEqual([["aws", EKS.region]]);
        expect(inputs(byPulumiName(r, "aws:acm/certificate:Certificate", "bookstore-certificate")).domainName).toBe("bookstore.example.com");
        expect(inputs(byPulumiName(r, "aws:route53/record:Record", "bookstore-alias")).zoneId).toBe(EKS_ZONE.zoneId);
        expect(r.outputs.routes).toBe("https://bookstore.example.com/ (gateway)");
    });

    it("EKS: plain HTTP chosen on the app stack despite the platform's zone", async () => {
        const r = await run("bookstore-eks", { tls: '{"mode":"off"}' });
        expect(r.resources.filter((x) => x.type.startsWith("aws:acm/"))).toEqual([]);
        expect(named(r, GATEWAY, "bookstore").metadata.annotations).toEqual({ "ticketbuster.io/tls": "plain-http" });
    });

    it("GKE: Certificate Manager through the app stack's own GCP provider in the platform's project", async () => {
        const r = await run("flores-victoria-gke");
        const gcp = r.resources.filter((x) => x.type === "pulumi:providers:gcp").map(inputs);
        expect(gcp.map((p) => [p.project, p.region])).toEqual([["ticketbuster-demo", "us-central1"]]);
        expect(named(r, GATEWAY, "flores-victoria").metadata.annotations["networking.gke.io/certmap"]).toBe("flores-victoria-certificate-map-a1b2c3d");
        expect(r.resources.filter(isKubernetes).some((x) => x.type === GATEWAY)).toBe(true);
    });
});
