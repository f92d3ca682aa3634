import * as pulumi from "@pulumi/pulumi";
import type { StoreKind, StoreTier } from "../apps/types";
import { hostOf, servicePortOf } from "../apps/wiring";
import { DataStore, DataStoreArgs } from "./data-store";
import { MongoDB } from "./mongodb";
import { Nats } from "./nats";
import { Postgres } from "./postgres";
import { RabbitMQ } from "./rabbitmq";
import { Redis } from "./redis";

type StoreClass = new (name: string, args: DataStoreArgs, opts?: pulumi.ComponentResourceOptions) => DataStore;

/** One component per kind of store, and the URI a client connects with. */
const STORES: Record<StoreKind, { component: StoreClass; uri: (u: string, p: string, hostPort: string, db?: string) => string }> = {
    postgres: { component: Postgres, uri: (u, p, hp, db) => `postgresql://${u}:${p}@${hp}/${db ?? "postgres"}` },
    // The root user authenticates against the admin database.
    mongodb: { component: MongoDB, uri: (u, p, hp, db) => `mongodb://${u}:${p}@${hp}/${db ?? ""}?authSource=admin` },
    redis: { component: Redis, uri: (u, p, hp) => `redis://${u}:${p}@${hp}/0` },
    rabbitmq: { component: RabbitMQ, uri: (u, p, hp) => `amqp://${u}:${p}@${hp}/` },
    nats: { component: Nats, uri: (_u, _p, hp) => `nats://${hp}` },
};

export function createStore(tier: StoreTier<string>, args: Omit<DataStoreArgs, "tier">, opts: pulumi.ComponentResourceOptions): DataStore {
    return new STORES[tier.kind].component(tier.name, { ...args, tier }, opts);
}

/** The connection URI of a store, credentials percent-encoded (a secret because the password is). */
export function connectionUri(tier: StoreTier<string>, username: string, password: pulumi.Input<string>): pulumi.Output<string> {
    const hostPort = `${hostOf(tier)}:${servicePortOf(tier.ports[0])}`;
    return pulumi
        .secret(password)
        .apply((p) => STORES[tier.kind].uri(encodeURIComponent(username), encodeURIComponent(p), hostPort, tier.database));
}
