import * as pulumi from "@pulumi/pulumi";
import { execProbes } from "./pod";
import { DataStore, DataStoreArgs } from "./data-store";

export interface PostgresArgs extends DataStoreArgs {
    databaseName: string;
}

/** UID of the `postgres` user in the official Alpine image. */
export const POSTGRES_UID = 70;
const DATA_PATH = "/var/lib/postgresql/data";

/** PostgreSQL on its own volume, behind a headless Service; credentials from the tier's Secret. */
export class Postgres extends DataStore {
    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        const secret = args.tier.credentialsSecret;
        super(
            "ticketbuster:data:Postgres",
            name,
            args,
            {
                uid: POSTGRES_UID,
                dataPath: DATA_PATH,
                // The socket directory and /tmp are the only writes outside the data volume.
                scratchPaths: ["/var/run/postgresql", "/tmp"],
                clusterIP: "None",
                container: {
                    env: [
                        { name: "POSTGRES_USER", valueFrom: { secretKeyRef: { name: secret, key: "username" } } },
                        { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
                        { name: "POSTGRES_DB", value: args.databaseName },
                        // A subdirectory: the volume root may hold lost+found, which initdb refuses.
                        { name: "PGDATA", value: `${DATA_PATH}/pgdata` },
                    ],
                    ...execProbes(["sh", "-c", 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'], 5),
                },
            },
            opts,
        );
    }
}
