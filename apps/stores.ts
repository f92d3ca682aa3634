import { IMAGES } from "./images";
import type { PortSpec, StoreKind, StoreTier } from "./types";

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

type StoreArgs<N extends string> = Omit<StoreTier<N>, "kind" | "image" | "ports" | "envPrefix" | "dependsOn"> &
    Partial<Pick<StoreTier<N>, "envPrefix" | "ports">>;

/** A data store of a kind, with that kind's image, ports and env prefix unless the app says otherwise. */
export const store =
    (kind: StoreKind) =>
    <N extends string>(t: StoreArgs<N>): StoreTier<N> => ({ kind, ...KINDS[kind], dependsOn: [], ...t });

export const postgres = store("postgres");
export const mongodb = store("mongodb");
export const redis = store("redis");
export const rabbitmq = store("rabbitmq");
export const nats = store("nats");
