import * as pulumi from "@pulumi/pulumi";
import { DataStore, DataStoreArgs, fromCredentials } from "./data-store";
import { execProbes, quantityBytes } from "./pod";

/** UID of the `mongodb` user in the official image. */
const MONGODB_UID = 999;

/**
 * WiredTiger sizes its cache from the node's memory, not the container's limit; a quarter of the
 * limit leaves the rest to connections and the filesystem cache (MongoDB's advice for containers).
 */
const cacheSizeGb = (limit: string) => Math.max(0.25, Math.floor((quantityBytes(limit) / 4 / 2 ** 30) * 100) / 100);

/** MongoDB 7 on its own volume; the root user from the tier's Secret creates the database on first start. */
export class MongoDB extends DataStore {
    constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "ticketbuster:data:MongoDB",
            name,
            args,
            {
                uid: MONGODB_UID,
                dataPath: "/data/db",
                // The entrypoint's init scripts use /tmp; mongod keeps its config db in /data/configdb;
                // mongosh (the probes) writes its logs under $HOME.
                scratchPaths: ["/tmp", "/data/configdb", "/home/mongodb"],
                container: {
                    args: ["--wiredTigerCacheSizeGB", String(cacheSizeGb(args.tier.resources.limits.memory))],
                    env: [
                        fromCredentials(args.tier, "MONGO_INITDB_ROOT_USERNAME", "username"),
                        fromCredentials(args.tier, "MONGO_INITDB_ROOT_PASSWORD", "password"),
                        { name: "MONGO_INITDB_DATABASE", value: args.tier.database ?? "admin" },
                        { name: "HOME", value: "/home/mongodb" },
                    ],
                    // ping needs no authentication; it answers once mongod accepts connections.
                    ...execProbes(["mongosh", "--quiet", "--norc", "--eval", "db.adminCommand('ping')"], 10),
                },
            },
            opts,
        );
    }
}
