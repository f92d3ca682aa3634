import * as pulumi from "@pulumi/pulumi";
import { execProbes } from "./pod";
import { DataStore, DataStoreArgs } from "./data-store";

/** UID of the `rabbitmq` user in the official Alpine image. */
const RABBITMQ_UID = 100;

/** RabbitMQ with the management plugin; Mnesia and the Erlang cookie live on the volume. */
export class RabbitMQ extends DataStore {
    constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        const secret = args.tier.credentialsSecret;
        super(
            "ticketbuster:data:RabbitMQ",
            name,
            args,
            {
                uid: RABBITMQ_UID,
                dataPath: "/var/lib/rabbitmq",
                // The official entrypoint writes nothing outside these and the data volume ($HOME, the
                // Erlang cookie, Mnesia), so the root filesystem can stay read-only.
                scratchPaths: ["/tmp", "/var/log/rabbitmq"],
                container: {
                    env: [
                        { name: "RABBITMQ_DEFAULT_USER", valueFrom: { secretKeyRef: { name: secret, key: "username" } } },
                        { name: "RABBITMQ_DEFAULT_PASS", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
                        // A fixed node name: Mnesia data is keyed by it and must survive pod restarts.
                        { name: "RABBITMQ_NODENAME", value: "rabbit@localhost" },
                    ],
                    ...execProbes(["rabbitmq-diagnostics", "-q", "ping"], 10),
                },
            },
            opts,
        );
    }
}
