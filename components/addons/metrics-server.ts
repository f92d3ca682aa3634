import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SYSTEM_CLUSTER_CRITICAL } from "./priority-classes";
import { chartArgs, CHARTS } from "./versions";

export interface MetricsServerArgs {
    /** Docker Desktop's kubelet serves a self-signed certificate without IP SANs: skip its verification. */
    kubeletInsecureTls: boolean;
}

/** metrics-server from the kubernetes-sigs chart, in kube-system: the resource metrics the HPAs scale on. */
export class MetricsServer extends pulumi.ComponentResource {
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:MetricsServer", name, {}, opts);
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                ...chartArgs(CHARTS.metricsServer),
                namespace: "kube-system",
                values: {
                    args: args.kubeletInsecureTls ? ["--kubelet-insecure-tls"] : [],
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "200Mi" } },
                    // The chart's default, said here: every HPA of the cluster reads its metrics.
                    priorityClassName: SYSTEM_CLUSTER_CRITICAL,
                },
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
