import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StatefulTier } from "../apps/types";
import { execProbes, restrictedContainer } from "./pod";
import { statefulWorkload } from "./stateful-workload";

export interface PostgresArgs {
    namespace: pulumi.Input<string>;
    partOf: string;
    tier: StatefulTier<string>;
    databaseName: string;
    storageClass?: pulumi.Input<string>;
    protectData: boolean;
}

/** UID of the `postgres` user in the official Alpine image. */
export const POSTGRES_UID = 70;
const DATA_PATH = "/var/lib/postgresql/data";

/** PostgreSQL on its own volume, behind a headless Service; credentials from the tier's Secret. */
export class Postgres extends pulumi.ComponentResource {
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    readonly service: k8s.core.v1.Service;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:data:Postgres", name, {}, opts);
        const secret = args.tier.credentialsSecret;
        const workload = statefulWorkload(this, name, {
            namespace: args.namespace,
            partOf: args.partOf,
            tier: args.tier,
            storageClass: args.storageClass,
            protectData: args.protectData,
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
                securityContext: restrictedContainer(),
            },
        });
        this.statefulSet = workload.statefulSet;
        this.service = workload.service;
        this.claim = workload.claim;
        this.registerOutputs({ service: this.service.metadata.name, claim: this.claim.metadata.name });
    }
}
