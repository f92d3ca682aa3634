import * as pulumi from "@pulumi/pulumi";
import { DataStore, DataStoreArgs, fromCredentials } from "./data-store";
import { execProbes } from "./pod";

/** UID of the `postgres` user in the official Alpine image. */
export const POSTGRES_UID = 70;
const DATA_PATH = "/var/lib/postgresql/data";

/** PostgreSQL on its own volume; credentials from the tier's Secret. */
export class Postgres extends DataStore {
    constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "ticketbuster:data:Postgres",
            name,
            args,
            {
                uid: POSTGRES_UID,
                dataPath: DATA_PATH,
                // The socket directory and /tmp are the only writes outside the data volume.
                scratchPaths: ["/var/run/postgresql", "/tmp"],
                container: {
                    env: [
                        fromCredentials(args.tier, "POSTGRES_USER", "username"),
                        fromCredentials(args.tier, "POSTGRES_PASSWORD", "password"),
                        { name: "POSTGRES_DB", value: args.tier.database ?? "postgres" },
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
