/** What GKE provides by convention, shared by a GKE platform and the app stacks on it. */
/** GKE's own Gateway controller (gatewayApiConfig on the cluster): a global external Application LB. */
export const GKE_GATEWAY_CLASS = "gke-l7-global-external-managed";
/** Source ranges of Google Front Ends and health checks, documented for firewall rules. */
const GOOGLE_FRONT_ENDS = ["35.191.0.0/16", "130.211.0.0/22"];

/** The in-tree pd-balanced class that GKE creates with the Compute Engine PD CSI driver. */
export const GKE_STORAGE_CLASS = "standard-rwo";

/** The Workload Identity pool of a project's GKE clusters. */
export const workloadIdentityPool = (project: string) => `${project}.svc.id.goog`;

/** The routing an app gets on GKE: the Gateway's listener, and where its traffic comes from. */
export function gkeRouting(routeClassName: string | undefined, controllerNamespace: string | undefined) {
    return {
        gatewayClassName: routeClassName ?? GKE_GATEWAY_CLASS,
        ingressClassName: routeClassName ?? "gce",
        listenerPort: 80,
        ...(controllerNamespace !== undefined ? { controllerNamespace } : {}),
        // Google's front ends and health checkers reach the pods (container-native load balancing).
        sources: controllerNamespace
            ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": controllerNamespace } } }]
            : GOOGLE_FRONT_ENDS.map((cidr) => ({ ipBlock: { cidr } })),
    };
}
