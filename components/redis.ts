import * as pulumi from "@pulumi/pulumi";
import { DataStore, DataStoreArgs, fromCredentials } from "./data-store";
import { execProbes } from "./pod";

/** UID of the `redis` user in the official Alpine image. */
const REDIS_UID = 999;

/**
 * The password reaches redis-server through a config file written by a shell builtin, never as a
 * command-line argument (which `ps` and /proc/<pid>/cmdline would show).
 */
const START = `printf 'requirepass "%s"\\n' "$REDIS_PASSWORD" > /tmp/redis.conf
exec redis-server /tmp/redis.conf --appendonly yes --appendfsync everysec --dir /data`;

/** Redis 7 with append-only persistence on its own volume; `requirepass` from the tier's Secret. */
export class Redis extends DataStore {
    constructor(name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "ticketbuster:data:Redis",
            name,
            args,
            {
                uid: REDIS_UID,
                dataPath: "/data",
                scratchPaths: ["/tmp"],
                container: {
                    command: ["sh", "-c", START],
                    env: [
                        fromCredentials(args.tier, "REDIS_PASSWORD", "password"),
                        // redis-cli reads the password from here (the probes), not from its arguments.
                        fromCredentials(args.tier, "REDISCLI_AUTH", "password"),
                    ],
                    ...execProbes(["sh", "-c", "redis-cli -h 127.0.0.1 ping | grep -q PONG"], 5),
                },
            },
            opts,
        );
    }
}
