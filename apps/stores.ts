import { IMAGES } from "./images";
import type { Durability, PortSpec, StoreKind, StoreTier, Tier } from "./types";
import { isStore } from "./wiring";

/** What every store of a kind shares: its pinned image, its ports and the prefix of its env vars. */
const KINDS: Record<StoreKind, { image: string; ports: PortSpec[]; envPrefix: string }> = {
    postgres: { image: IMAGES.postgres, envPrefix: "DATABASE", ports: [{ name: "postgres", port: 5432, appProtocol: "postgresql" }] },
    mongodb: { image: IMAGES.mongodb, envPrefix: "MONGODB", ports: [{ name: "mongodb", port: 27017, appProtocol: "mongodb" }] },
    redis: { image: IMAGES.redis, envPrefix: "REDIS", ports: [{ name: "redis", port: 6379, appProtocol: "redis" }] },
    rabbitmq: {
        image: IMAGES.rabbitmq,
        envPrefix: "RABBITMQ",
        ports: [
            { name: "amqp", port: 5672, appProtocol: "amqp" },
            // Operators reach the management UI by port-forward; no pod may.
            { name: "management", port: 15672, appProtocol: "http", admin: true },
        ],
    },
    nats: {
        image: IMAGES.nats,
        envPrefix: "NATS",
        ports: [
            { name: "client", port: 4222, appProtocol: "nats" },
            // Monitoring serves the probes' /healthz; for operators only.
            { name: "monitor", port: 8222, appProtocol: "http", admin: true },
        ],
    },
};

/**
 * A kind's logical backup: shell run with the store's own image (its client tools), against the store
 * over the network. The scripts read STORE_HOST, STORE_PORT, STORE_USER, STORE_PASSWORD (from the
 * store's Secret), STORE_DATABASE (the tier's database, may be empty), DUMP_DIR (the files of one
 * backup: written by `dump`, read by `restore`) and WORK_DIR (private scratch, never uploaded); both
 * directories are 0700. components/backup-scripts.ts wraps them (checksums, upload, download).
 */
export interface LogicalBackup {
    /** What a backup holds, for the README and the restore command's warning. */
    holds: string;
    /** What a restore replaces. */
    overwrites: string;
    /** The store port (by name) the backup and restore pods connect to. */
    port: string;
    dump: string;
    restore: string;
    /** The store connects back to the restore pod on this port (Redis replicates the backup from it). */
    restoreListens?: number;
}

/** Runs psql against the maintenance database quietly, stopping at the first error. */
const PG_ENV = `export PGHOST="$STORE_HOST" PGPORT="$STORE_PORT" PGUSER="$STORE_USER" PGPASSWORD="$STORE_PASSWORD"`;

/** A mongodump/mongorestore config file, so the password is not on a command line (YAML single quotes). */
const MONGO_CONFIG = `printf "password: '%s'\\n" "$(printf '%s' "$STORE_PASSWORD" | sed "s/'/''/g")" > "$WORK_DIR/mongo.yaml"
mongo() { "$@" --host="$STORE_HOST" --port="$STORE_PORT" --username="$STORE_USER" --authenticationDatabase=admin --config="$WORK_DIR/mongo.yaml"; }`;

/**
 * rabbitmqadmin (in the management image, with its python3) over the management API: rabbitmqctl would
 * need the node's Erlang cookie, which lives on the store's volume. Config parser: '%' is doubled.
 */
const RABBITMQ_CONFIG = `printf '[store]\\nhostname = %s\\nport = %s\\nusername = %s\\npassword = %s\\n' "$STORE_HOST" "$STORE_PORT" "$STORE_USER" "$(printf '%s' "$STORE_PASSWORD" | sed 's/%/%%/g')" > "$WORK_DIR/rabbitmqadmin.conf"
admin() { rabbitmqadmin --config "$WORK_DIR/rabbitmqadmin.conf" --node store "$@"; }`;

/** redis-cli reads the password from REDISCLI_AUTH, never from its arguments. */
const REDIS_CLI = `export REDISCLI_AUTH="$STORE_PASSWORD"
store() { redis-cli --no-auth-warning -h "$STORE_HOST" -p "$STORE_PORT" --user "$STORE_USER" "$@"; }`;

/**
 * Each kind's backup, as data. NATS has none: the nats image holds only the server (a JetStream stream
 * backup needs the nats CLI of another image), and no app keeps durable state there (see apps/ticketing.ts).
 */
export const BACKUPS: Record<StoreKind, LogicalBackup | undefined> = {
    postgres: {
        holds: "pg_dump --format=custom of every database but the maintenance one (postgres)",
        overwrites: "every database in the backup (pg_restore --clean --if-exists: its objects are dropped and restored; other databases are left alone)",
        port: "postgres",
        dump: `${PG_ENV}
psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND datname <> 'postgres' ORDER BY 1" > "$WORK_DIR/databases"
while read -r db; do
    pg_dump --format=custom --file="$DUMP_DIR/$db.pgdump" --dbname="$db"
    echo "dumped database $db"
done < "$WORK_DIR/databases"`,
        restore: `${PG_ENV}
for file in "$DUMP_DIR"/*.pgdump; do
    db=$(basename "$file" .pgdump)
    exists=$(echo "SELECT 1 FROM pg_database WHERE datname = :'db'" | psql -X -At -v ON_ERROR_STOP=1 -d postgres -v db="$db")
    if [ -z "$exists" ]; then createdb "$db"; fi
    pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$db" "$file"
    echo "restored database $db"
done`,
    },
    mongodb: {
        holds: "mongodump --archive --gzip of the app's database",
        overwrites: "every collection in the backup (mongorestore --drop: dropped, then restored)",
        port: "mongodb",
        dump: `${MONGO_CONFIG}
mongo mongodump --db="$STORE_DATABASE" --archive="$DUMP_DIR/mongodb.archive.gz" --gzip
echo "dumped database $STORE_DATABASE"`,
        restore: `${MONGO_CONFIG}
mongo mongorestore --drop --archive="$DUMP_DIR/mongodb.archive.gz" --gzip
echo "restored database $STORE_DATABASE"`,
    },
    rabbitmq: {
        holds: "the broker's definitions (users, vhosts, permissions, exchanges, queues, bindings, policies), not the messages",
        overwrites: "the definitions in the backup (imported over the existing ones; messages are not touched)",
        port: "management",
        dump: `${RABBITMQ_CONFIG}
admin export "$DUMP_DIR/definitions.json"`,
        restore: `${RABBITMQ_CONFIG}
admin import "$DUMP_DIR/definitions.json"`,
    },
    redis: {
        holds: "an RDB snapshot (redis-cli --rdb, over the replication protocol)",
        overwrites: "the whole dataset (the store replicates the snapshot and drops what it had)",
        port: "redis",
        restoreListens: 6379,
        dump: `${REDIS_CLI}
store --rdb "$DUMP_DIR/dump.rdb"`,
        // The snapshot is served by a throwaway redis-server in the restore pod; the store becomes its
        // replica (a full resync replaces its dataset and rewrites its append-only file), then a primary again.
        restore: `${REDIS_CLI}
printf 'port %s\\nbind 0.0.0.0\\nprotected-mode no\\ndir %s\\ndbfilename dump.rdb\\nappendonly no\\nsave ""\\nrequirepass "%s"\\n' "$RESTORE_PORT" "$DUMP_DIR" "$STORE_PASSWORD" > "$WORK_DIR/restore.conf"
redis-server "$WORK_DIR/restore.conf" --daemonize yes --pidfile "$WORK_DIR/redis.pid" --logfile "$WORK_DIR/redis.log"
snapshot() { redis-cli --no-auth-warning -h 127.0.0.1 -p "$RESTORE_PORT" "$@"; }
i=0; until snapshot ping 2>/dev/null | grep -q PONG; do i=$((i + 1)); [ "$i" -lt 60 ] || { cat "$WORK_DIR/redis.log"; exit 1; }; sleep 1; done
echo "serving the snapshot: $(snapshot dbsize) keys"
printf '%s' "$STORE_PASSWORD" | store -x CONFIG SET masterauth > /dev/null
store CONFIG SET masteruser "$STORE_USER" > /dev/null
store REPLICAOF "$RESTORE_HOST" "$RESTORE_PORT"
i=0; until store INFO replication | tr -d '\\r' | grep -q '^master_link_status:up$' && store INFO replication | tr -d '\\r' | grep -q '^master_sync_in_progress:0$'; do
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "the store did not finish replicating the snapshot" >&2; store REPLICAOF NO ONE; exit 1; }; sleep 1
done
store REPLICAOF NO ONE
store CONFIG SET masterauth "" > /dev/null
snapshot shutdown nosave 2>/dev/null || true
echo "restored: $(store DBSIZE) keys"`,
    },
    nats: undefined,
};

type StoreArgs<N extends string> = Omit<StoreTier<N>, "kind" | "image" | "ports" | "envPrefix" | "dependsOn"> &
    Partial<Pick<StoreTier<N>, "envPrefix" | "ports">>;

/** A data store of a kind, with that kind's image, ports and env prefix unless the app says otherwise. */
export const store =
    (kind: StoreKind) =>
    <N extends string>(t: StoreArgs<N>): StoreTier<N> => ({ kind, ...KINDS[kind], dependsOn: [], ...t });

export const postgres = store("postgres");
export const mongodb = store("mongodb");
export const rabbitmq = store("rabbitmq");
/** Redis is a cache or a store of record depending on the app: each says which (Durability). */
export const redis = <N extends string>(t: StoreArgs<N> & { durability: Durability }): StoreTier<N> => store("redis")(t);
/** NATS has no logical backup here (see BACKUPS): an app may use it only for state it can do without. */
export const nats = <N extends string>(t: StoreArgs<N> & { durability: Durability & { durable: false } }): StoreTier<N> => store("nats")(t);

/** The stores of an app that are backed up: every store whose kind has a backup, Redis only where durable. */
export function backedUpStores<N extends string>(tiers: readonly Tier<N>[]): StoreTier<N>[] {
    return tiers.filter(isStore).filter((t) => BACKUPS[t.kind] !== undefined && (t.durability?.durable ?? true));
}
