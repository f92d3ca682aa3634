/**
 * `npm run restore -- --stack <name> --store <store> [--backup <name>|latest] [--yes]`: restores one
 * store of a deployed stack from its backups, with a one-off Job built like the backups' own pods
 * (components/backup-scripts.ts), on the stack's cluster (kubectl, with the stack's kubeconfig).
 */
import { parseArgs } from "util";
import { destinationOf, JOB_DEADLINE_SECONDS, restoreJob } from "../components/backup-scripts";
import { kubectlFor } from "./backups/kubectl";
import { followJob } from "./backups/jobs";
import { checkBackupName, chooseStores, describeRestore, jobName, stackBackups } from "./backups/stack";
import { selectStack } from "./driver";
import { UsageError } from "./preflight";

const USAGE = `usage: npm run restore -- --stack <name> --store <store> [--backup <name>|latest] [--yes] [--backend <url>] [--cwd <dir>]

  --stack, -s <name>   a deployed stack that deploys an app (its backups output names the stores)
  --store <store>      the data store to restore (e.g. postgres)
  --backup <name>      a backup's name (its UTC time, e.g. 20260101T020000Z) or latest (default): the newest complete one
  --yes                do it: without it, the command only says what would be overwritten
  --backend <url>      state backend (default: $PULUMI_BACKEND_URL, else file://<project>/.pulumi-state)
  --cwd <dir>          project directory (default: this repository)

exit codes:
  0  restored
  1  the restore Job failed (its log says why), or the cluster could not be reached
  2  usage or config error (unknown stack or store, a stack without backups, no --yes, no kubectl)`;

async function main(): Promise<number> {
    let values: { stack?: string; store?: string; backup?: string; yes: boolean; backend?: string; cwd?: string; help: boolean };
    try {
        values = parseArgs({
            options: {
                stack: { type: "string", short: "s" },
                store: { type: "string" },
                backup: { type: "string", default: "latest" },
                yes: { type: "boolean", default: false },
                backend: { type: "string" },
                cwd: { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
        }).values as typeof values;
    } catch (err) {
        throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
    }
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    if (!values.stack || !values.store) throw new UsageError(USAGE);
    const backup = checkBackupName(values.backup ?? "latest");
    const workDir = values.cwd ?? `${__dirname}/..`;
    const s = await stackBackups(await selectStack({ stack: values.stack, workDir: values.cwd, backendUrl: values.backend }));
    const [tier] = chooseStores(s, values.store);
    const { namespace, target } = s.backups;
    const { what, from, refusal } = describeRestore(s, tier, backup);
    if (!values.yes) throw new UsageError(refusal);

    const kubectl = kubectlFor(s.kube, workDir);
    const name = jobName(`${tier.name}-restore`);
    const job = restoreJob({ tier, target, destination: destinationOf(target), backup, namespace, name, app: s.app.name });
    console.log(`[restore] overwriting ${what}, with ${from}: job ${namespace}/${name}`);
    const created = kubectl.run(["create", "-f", "-"], JSON.stringify(job));
    if (created.code !== 0) {
        console.error(`[restore] could not create the job: ${created.stderr.trim()}`);
        return 1;
    }
    const end = await followJob(kubectl, namespace, name, ["download", "restore"], (line) => console.log(line), (JOB_DEADLINE_SECONDS + 600) * 1000);
    console.log(end === "Complete" ? `\nrestore ${s.stack} ${tier.name}: restored (${backup})` : `\nrestore ${s.stack} ${tier.name}: the job failed; see its log above (kubectl -n ${namespace} logs job/${name} --all-containers)`);
    return end === "Complete" ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        if (err instanceof UsageError) {
            console.error(err.message);
            process.exit(err.exitCode);
        }
        console.error(`restore failed: ${(err as Error).message ?? err}`);
        process.exit(1);
    },
);
