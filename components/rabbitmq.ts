import * as pulumi from "@pulumi/pulumi";
import { DataStore, DataStoreArgs, fromCredentials } from "./data-store";
import { execProbes } from "./pod";

/** UID of the `rabbitmq` user in the official Alpine image. */
const RABBITMQ_UID = 100;

/** RabbitMQ with the management plugin; Mnesia and the Erlang cookie live on the volume. */
export class RabbitMQ extends DataStore {
    constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
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
                        fromCredentials(args.tier, "RABBITMQ_DEFAULT_USER", "username"),
                        fromCredentials(args.tier, "RABBITMQ_DEFAULT_PASS", "password"),
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
