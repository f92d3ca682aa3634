import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { contentHash, labelsFor, Ownership, restrictedContainer, restrictedPod, scratch } from "./pod";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** The `*.sql` files of a directory, keyed by file name, in name order; none when there is no directory. */
export function readSqlDir(dir: string): Record<string, string> {
    if (!fs.existsSync(dir)) return {};
    const names = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".sql"))
        .sort();
    if (names.length === 0) throw new Error(`no .sql files in ${dir}`);
    return Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, n), "utf8")]));
}

export interface SqlSeedJobArgs {
    namespace: pulumi.Input<string>;
    owner: Ownership;
    /** Pod label `app` of the Job's pods (NetworkPolicies allow it by this name). */
    name: string;
    /** File name -> SQL, applied in name order. */
    sql: Record<string, string>;
    /** A PostgreSQL client image (the server image has psql and pg_isready). */
    image: string;
    /** libpq's connection variables: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD. */
    env: EnvVar[];
    resources: k8s.types.input.core.v1.ResourceRequirements;
    uid: number;
}

const SCRIPT = `set -eu
export PGCONNECT_TIMEOUT=5
until pg_isready -q; do echo "waiting for $PGHOST:$PGPORT"; sleep 2; done
for f in /sql/*.sql; do
  echo "applying $f"
  psql -v ON_ERROR_STOP=1 --single-transaction --no-psqlrc -f "$f"
done
echo "seed complete"
`;

/**
 * Applies the seed SQL with psql. The ConfigMap and Job names carry a hash of the SQL, so changed
 * SQL replaces the Job (and runs again) while unchanged SQL leaves it alone: no diff.
 */
export class SqlSeedJob extends pulumi.ComponentResource {
    readonly job: k8s.batch.v1.Job;
    readonly configMap: k8s.core.v1.ConfigMap;

    constructor(name: string, args: SqlSeedJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ticketbuster:data:SqlSeedJob", name, {}, opts);
        const hash = contentHash(JSON.stringify(Object.entries(args.sql)));
        const labels = { ...labelsFor(args.owner, args.name, "seed"), "ticketbuster.io/sql-hash": hash };
        const scratchSpace = scratch(["/tmp"]);

        this.configMap = new k8s.core.v1.ConfigMap(
            `${name}-sql`,
            { metadata: { name: `${args.name}-sql-${hash}`, namespace: args.namespace, labels }, immutable: true, data: args.sql },
            { parent: this },
        );

        this.job = new k8s.batch.v1.Job(
            name,
            {
                metadata: { name: `${args.name}-${hash}`, namespace: args.namespace, labels },
                spec: {
                    backoffLimit: 6,
                    activeDeadlineSeconds: 900,
                    // No ttlSecondsAfterFinished: a Job that deletes itself would show up as drift.
                    template: {
                        metadata: { labels },
                        spec: {
                            restartPolicy: "OnFailure",
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: restrictedPod(args.uid),
                            containers: [
                                {
                                    // No probes: it serves nothing, and activeDeadlineSeconds bounds a hang.
                                    name: "psql",
                                    image: args.image,
                                    command: ["sh", "-c", SCRIPT],
                                    env: args.env,
                                    resources: args.resources,
                                    securityContext: restrictedContainer(),
                                    volumeMounts: [{ name: "sql", mountPath: "/sql", readOnly: true }, ...scratchSpace.mounts],
                                },
                            ],
                            volumes: [{ name: "sql", configMap: { name: this.configMap.metadata.name } }, ...scratchSpace.volumes],
                        },
                    },
                },
            },
            { parent: this },
        );

        this.registerOutputs({ job: this.job.metadata.name });
    }
}
