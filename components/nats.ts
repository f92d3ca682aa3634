import * as pulumi from "@pulumi/pulumi";
import { DataStore, DataStoreArgs } from "./data-store";

/** The official image runs as root by default; nats-server needs no privilege, so a high UID will do. */
const NATS_UID = 10001;

/**
 * NATS with JetStream file storage on its own volume. The client port is for the app's services;
 * the monitoring port (admin) serves the kubelet's probes on /healthz.
 */
export class Nats extends DataStore {
    constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        const client = args.tier.ports.find((p) => !p.admin);
        const monitor = args.tier.ports.find((p) => p.admin);
        if (!client || !monitor) throw new Error(`NATS tier ${args.tier.name} needs a client port and an admin (monitoring) port`);
        const healthz = (path: string) => ({ httpGet: { path, port: monitor.name } });
        super(
            "ticketbuster:data:Nats",
            name,
            args,
            {
                uid: NATS_UID,
                dataPath: "/data",
                scratchPaths: [],
                container: {
                    args: ["--jetstream", "--store_dir=/data", `--port=${client.port}`, `--http_port=${monitor.port}`],
                    // /healthz?js-enabled-only=true: ready once JetStream is up, without waiting on streams.
                    startupProbe: { ...healthz("/healthz?js-enabled-only=true"), periodSeconds: 5, failureThreshold: 60 },
                    readinessProbe: { ...healthz("/healthz?js-enabled-only=true"), periodSeconds: 5, timeoutSeconds: 3 },
                    livenessProbe: { ...healthz("/healthz?js-enabled-only=true"), periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                },
            },
            opts,
        );
    }
}
