import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StatefulTier } from "../apps/types";
import { execProbes, restrictedContainer } from "./pod";
import { statefulWorkload } from "./stateful-workload";

export interface RabbitMQArgs {
    namespace: pulumi.Input<string>;
    partOf: string;
    tier: StatefulTier<string>;
    storageClass?: pulumi.Input<string>;
    protectData: boolean;
}

/** UID of the `rabbitmq` user in the official Alpine image. */
const RABBITMQ_UID = 100;

/** RabbitMQ with the management plugin; Mnesia and the Erlang cookie live on the volume. */
export class RabbitMQ extends pulumi.ComponentResource {
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    readonly service: k8s.core.v1.Service;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;

    constructor(name: string, args: RabbitMQArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:data:RabbitMQ", name, {}, opts);
        const secret = args.tier.credentialsSecret;
        const workload = statefulWorkload(this, name, {
            namespace: args.namespace,
            partOf: args.partOf,
            tier: args.tier,
            storageClass: args.storageClass,
            protectData: args.protectData,
            uid: RABBITMQ_UID,
            dataPath: "/var/lib/rabbitmq",
            scratchPaths: ["/tmp"],
            container: {
                env: [
                    { name: "RABBITMQ_DEFAULT_USER", valueFrom: { secretKeyRef: { name: secret, key: "username" } } },
                    { name: "RABBITMQ_DEFAULT_PASS", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
                    // Node name must not change across restarts or Mnesia data is orphaned.
                    { name: "RABBITMQ_NODENAME", value: "rabbit@localhost" },
                ],
                ...execProbes(["rabbitmq-diagnostics", "-q", "ping"], 10),
                securityContext: restrictedContainer(),
            },
        });
        this.statefulSet = workload.statefulSet;
        this.service = workload.service;
        this.claim = workload.claim;
        this.registerOutputs({ service: this.service.metadata.name, claim: this.claim.metadata.name });
    }
}
