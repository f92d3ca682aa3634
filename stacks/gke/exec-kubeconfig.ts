/**
 * A kubeconfig that gets its token from `gke-gcloud-auth-plugin` (client-go dropped the built-in
 * `auth-provider: gcp` in Kubernetes 1.26). JSON is valid YAML, so kubectl reads it as is.
 */
export function execKubeconfig(context: string, server: string, caData: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server, "certificate-authority-data": caData } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint:
                            "Install gke-gcloud-auth-plugin for use with kubectl by following " +
                            "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
                        provideClusterInfo: true,
                        interactiveMode: "IfAvailable",
                    },
                },
            },
        ],
    });
}
