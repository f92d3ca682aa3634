/**
 * Every chart and third-party image the add-ons install, pinned here and nowhere else. To move one:
 * change the version, run `npm test` (the tests read these constants), `pulumi preview`, which
 * renders the chart and shows the real diff, and `npm run check:charts -- <sources>` (README, "Chart
 * check"), then record its result in `checked`. A new chart is one entry here.
 */
/** A render difference the chart resolves in the cluster; `npm run check:charts` accepts it only while the program sets `requires`. */
export interface StableInCluster {
    /** `Kind/name` (in the release namespace). */
    objects: string[];
    why: string;
    /** The value that makes the chart reuse what it finds in the cluster. */
    requires: { path: string; equals: unknown };
}

export interface PinnedChart {
    chart: string;
    version: string;
    repo: string;
    /** The chart's source: GitHub repository and the chart's directory in it (scripts/charts/extract.sh reads it from a mirror). */
    source: { github: string; path: string };
    /** The last `npm run check:charts` over this version: when, and what it found (and what was done about it). */
    checked?: { date: string; result: string };
    /** Objects two client-side renders give differently that the chart keeps stable in the cluster (the check verifies the value). */
    stableInCluster?: StableInCluster[];
}

export const CHARTS = {
    /** metrics-server v0.7.2. */
    metricsServer: {
        chart: "metrics-server",
        version: "3.12.2",
        repo: "https://kubernetes-sigs.github.io/metrics-server/",
        source: { github: "kubernetes-sigs/metrics-server", path: "charts/metrics-server" },
        checked: { date: "2026-11-29", result: "clean on dev (EKS runs the EKS metrics-server add-on, GKE its own; no hooks)" },
    },
    /** Traefik v3.5 (Gateway API v1.3 standard channel, Ingress). */
    traefik: {
        chart: "traefik",
        version: "37.1.1",
        repo: "https://traefik.github.io/charts",
        source: { github: "traefik/traefik-helm-chart", path: "traefik" },
        checked: {
            date: "2026-11-29",
            result: "clean on dev (no hooks; the restricted namespace admits the pod with the RuntimeDefault seccomp profile the program sets)",
        },
    },
    /** AWS Load Balancer Controller v2.14.0: ALB Ingress, and Gateway API behind its ALBGatewayAPI feature gate. */
    awsLoadBalancerController: {
        chart: "aws-load-balancer-controller",
        version: "1.14.0",
        repo: "https://aws.github.io/eks-charts",
        source: { github: "aws/eks-charts", path: "stable/aws-load-balancer-controller" },
        checked: {
            date: "2026-11-29",
            result:
                "clean on eks; two client-side renders differ in the webhook certificate (genCA), which the chart reuses from the cluster " +
                "(stableInCluster); keepTLSSecret now set explicitly",
        },
        stableInCluster: [
            {
                objects: [
                    "Secret/aws-load-balancer-tls",
                    "MutatingWebhookConfiguration/aws-load-balancer-webhook",
                    "ValidatingWebhookConfiguration/aws-load-balancer-webhook",
                ],
                why:
                    "the webhook certificate comes from genCA only when lookup() finds no Secret aws-load-balancer-tls; " +
                    "helm.v4.Chart renders with --dry-run=server, so from the second up on the chart reuses the live Secret (keepTLSSecret)",
                requires: { path: "keepTLSSecret", equals: true },
            },
        ],
    },
    /** prometheus-operator v0.85 CRDs (scripts/e2e/crd-versions.env pins the operator whose CRDs the e2e test installs). */
    kubePrometheusStack: {
        chart: "kube-prometheus-stack",
        version: "77.11.1",
        repo: "https://prometheus-community.github.io/helm-charts",
        source: { github: "prometheus-community/helm-charts", path: "charts/kube-prometheus-stack" },
        checked: {
            date: "2026-11-29",
            result:
                "the operator mounted Secret monitoring-kube-prometheus-admission, made only by a pre-install hook Job: fixed (admission " +
                "webhooks and operator TLS off); then clean on dev, eks and gke (hooks left out: grafana's test Pod only)",
        },
    },
    /**
     * cert-manager v1.21.1 (the local target's certificates; CRDs through crds.enabled). Its Chart.yaml
     * says v0.0.0 in git: the release tool sets version and appVersion (scripts/charts/extract.sh does
     * the same for a tag whose Chart.yaml holds that placeholder).
     */
    certManager: {
        chart: "cert-manager",
        version: "v1.21.1",
        repo: "https://charts.jetstack.io",
        source: { github: "cert-manager/cert-manager", path: "deploy/charts/cert-manager" },
        checked: {
            date: "2026-11-29",
            result:
                "clean on dev (46 objects, 3 pod templates; the restricted namespace admits controller, webhook and cainjector as the chart's defaults set them); " +
                "no hooks left out: the one hook, the startupapicheck Job, is turned off",
        },
    },
    /**
     * Loki 3.7.6, single binary (issue 20). The OSS chart left grafana/loki (its production/helm/loki is Grafana Enterprise
     * Logs only since 7.0.0) for grafana-community/helm-charts on 2026-03-16, forked at 6.55.0: this is that chart.
     */
    loki: {
        chart: "loki",
        version: "18.11.0",
        repo: "https://grafana-community.github.io/helm-charts",
        source: { github: "grafana-community/helm-charts", path: "charts/loki" },
        checked: {
            date: "2026-11-29",
            result:
                "clean on dev, eks and gke (no hooks left out: the canary, Helm test, gateway and memcached caches are off). Keys inside " +
                "loki.{limits_config,compactor,rulerConfig,analytics,commonConfig,schemaConfig} are Loki's own configuration, open maps to " +
                "the check: checked against Loki v3.7.6's configuration reference instead",
        },
    },
    /** Fluent Bit 5.1.1 as a DaemonSet (issue 20). */
    fluentBit: {
        chart: "fluent-bit",
        version: "0.58.1",
        repo: "https://fluent.github.io/helm-charts",
        source: { github: "fluent/helm-charts", path: "charts/fluent-bit" },
        checked: {
            date: "2026-11-29",
            result:
                "clean on dev, eks and gke (no hooks left out: the test Pod is off). config.* is Fluent Bit's own configuration text: its " +
                "keys checked against the v5.1.1 sources (out_loki, filter_kubernetes, in_tail, record_modifier, flb_config.h)",
        },
    },
} satisfies Record<string, PinnedChart>;

/**
 * Gateway API standard-channel CRDs where no chart brings them (EKS: the LB controller's chart does
 * not). v1.3.0 is the release AWS Load Balancer Controller v2.14 is built against.
 */
export const GATEWAY_API_CRDS = {
    version: "v1.3.0",
    url: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml",
};

/**
 * Images by tag and digest (the digest is what runs; the tag is for the reader). Refresh with
 * `crane digest <image>:<tag>` (or `docker buildx imagetools inspect <image>:<tag>`) and use the
 * index (multi-arch) digest.
 */
export const IMAGES = {
    cloudflared: "cloudflare/cloudflared:2025.8.1@sha256:b77d84e8704db38db22c22661cf7e56468c526e3a6a5fe9c8b7c151452fa1472",
    postgresExporter:
        "quay.io/prometheuscommunity/postgres-exporter:v0.17.1@sha256:38606faa38c54787525fb0ff2fd6b41b4cfb75d455c1df294927c5f611699b17",
};

/** Namespaces the add-ons run in. */
export const NAMESPACES = { traefik: "traefik", monitoring: "monitoring", certManager: "cert-manager", loki: "loki", fluentBit: "fluent-bit" };

/** The Helm chart args of a pinned chart (repositoryOpts.repo: never an unpinned `oci://...:latest`). */
export const chartArgs = (c: PinnedChart) => ({ chart: c.chart, version: c.version, repositoryOpts: { repo: c.repo } });
