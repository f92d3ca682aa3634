import type { ResourceSpec, StatelessTier } from "./types";

/**
 * A single-page app served by nginxinc/nginx-unprivileged: UID 101, listening on 8080 (no root for a
 * port < 1024) behind a Service on port 80; pid and temp files in /tmp and /var/cache/nginx.
 */
export function nginxFrontend<N extends string>(
    t: { name: N; image: string; resources: ResourceSpec; dependsOn: N[] } & Partial<StatelessTier<N>>,
): StatelessTier<N> {
    return {
        kind: "stateless",
        envPrefix: "FRONTEND",
        uid: 101,
        replicas: 2,
        public: true,
        ports: [{ name: "http", port: 8080, servicePort: 80, appProtocol: "http" }],
        health: { liveness: "/", readiness: "/" },
        scratchPaths: ["/tmp", "/var/cache/nginx"],
        ...t,
    };
}
