import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Where a pod stands when the scheduler must preempt or the kubelet must evict under node pressure
 * (after the kubelet's first criterion, usage above requests). Highest first:
 *
 *   system-cluster-critical  2000000000  built in: metrics-server, the AWS Load Balancer Controller (kube-system)
 *   ticketbuster-data-stores    1000000  every app's data stores
 *   ticketbuster-addons          100000  the add-ons' controllers outside kube-system (Traefik, kube-prometheus-stack)
 *   (none)                            0  the apps' stateless tiers, the seed Job, cloudflared, the exporters
 *
 * User classes may go up to 1000000000; these leave room above and between.
 */
export const PRIORITY = {
    dataStores: {
        name: "ticketbuster-data-stores",
        value: 1_000_000,
        // A store is bound to its ReadWriteOnce volume, so on EKS/GKE it can only run in that volume's zone:
        // when it is rescheduled it may evict stateless pods there, which can run anywhere.
        preemptionPolicy: "PreemptLowerPriority",
        description:
            "TicketBuster data stores (PostgreSQL, MongoDB, Redis, RabbitMQ, NATS): evicted and preempted after the stateless tiers and the add-ons, " +
            "because a store is bound to its volume (one zone), restarts slowly, and every tier of its app fails while it is down. " +
            "It may preempt lower-priority pods to be scheduled again.",
    },
    addons: {
        name: "ticketbuster-addons",
        value: 100_000,
        // An add-on waiting for room never evicts an app's pod: it only goes ahead of them in the scheduling queue.
        preemptionPolicy: "Never",
        description:
            "TicketBuster cluster add-ons outside kube-system (route controller, monitoring): kept over the apps' stateless tiers, which restart " +
            "anywhere in seconds, and under the data stores, which hold the apps' state. Never preempts: it waits for room instead of evicting an app's pod.",
    },
} as const;

/**
 * The built-in class of the controllers that charts put in kube-system (metrics-server, AWS Load
 * Balancer Controller: both charts' default). GKE admits system-*-critical pods only in kube-system
 * (a ResourceQuota elsewhere), so the add-ons in their own namespaces use `ticketbuster-addons`.
 */
export const SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical";

/**
 * The cluster's two PriorityClasses (cluster-scoped: one set per cluster, created with the platform).
 * Pods naming a class that does not exist are refused, so users take the names from `names`, whose
 * outputs make them wait for the classes.
 */
export class PriorityClasses extends pulumi.ComponentResource {
    readonly dataStores: k8s.scheduling.v1.PriorityClass;
    readonly addons: k8s.scheduling.v1.PriorityClass;
    /** The class names, as outputs of the classes (a pod spec using one depends on it). */
    readonly names: { dataStores: pulumi.Output<string>; addons: pulumi.Output<string> };

    constructor(name: string, args: Record<string, never> = {}, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:addons:PriorityClasses", name, args, opts);
        const priorityClass = (key: keyof typeof PRIORITY) => {
            const c = PRIORITY[key];
            return new k8s.scheduling.v1.PriorityClass(
                `${name}-${c.name}`,
                {
                    metadata: { name: c.name, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                    value: c.value,
                    preemptionPolicy: c.preemptionPolicy,
                    globalDefault: false,
                    description: c.description,
                },
                { parent: this },
            );
        };
        this.dataStores = priorityClass("dataStores");
        this.addons = priorityClass("addons");
        this.names = { dataStores: this.dataStores.metadata.name, addons: this.addons.metadata.name };
        this.registerOutputs(this.names);
    }
}
