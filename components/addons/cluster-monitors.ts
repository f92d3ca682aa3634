import type { Target } from "../../config/schema";

/**
 * Which of kube-prometheus-stack's cluster-component monitors can reach their component on a target.
 * Each one on installs a ServiceMonitor and alert rules; one whose component cannot be scraped fires
 * its `...Down` (or TargetDown) alert for ever, so it is off where the component is not reachable.
 */
export interface ClusterMonitors {
    kubeControllerManager: boolean;
    kubeScheduler: boolean;
    kubeEtcd: boolean;
    kubeProxy: boolean;
    /** CoreDNS's metrics (port 9153 on the `k8s-app: kube-dns` pods). */
    coreDns: boolean;
    /** kube-dns's metrics (dnsmasq sidecar 10054, kubedns 10055), for clusters that run kube-dns instead of CoreDNS. */
    kubeDns: boolean;
}

/** Per target, with the reason for each monitor that is off. */
export const CLUSTER_MONITORS: Record<Target, ClusterMonitors> = {
    // Docker Desktop (kubeadm): controller-manager and scheduler listen on 127.0.0.1 (--bind-address),
    // etcd serves metrics on 127.0.0.1:2381, kube-proxy on 127.0.0.1:10249: nothing off the node reaches them.
    local: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false, coreDns: true, kubeDns: false },
    // AWS runs the control plane (controller-manager, scheduler, etcd) out of the cluster's reach; the
    // kube-proxy add-on binds its metrics to 127.0.0.1:10249. CoreDNS is the EKS DNS add-on.
    eks: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false, coreDns: true, kubeDns: false },
    // Google runs the control plane; kube-proxy binds its metrics to 127.0.0.1 (and Dataplane V2 has
    // none). GKE's cluster DNS is kube-dns, not CoreDNS (with Cloud DNS there are no DNS pods to scrape).
    gke: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false, coreDns: false, kubeDns: true },
};

/** The chart values of the monitors (`<name>.enabled`; off also drops the monitor's alert rules). */
export function clusterMonitorValues(m: ClusterMonitors): Record<keyof ClusterMonitors, { enabled: boolean }> {
    const out = {} as Record<keyof ClusterMonitors, { enabled: boolean }>;
    for (const key of Object.keys(m) as Array<keyof ClusterMonitors>) out[key] = { enabled: m[key] };
    return out;
}
