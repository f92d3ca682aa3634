/**
 * `npm run backup -- --stack <name> [--store <store>]`: backs up a deployed stack's stores now, each
 * with a Job made from its backup CronJob (kubectl create job --from), on the stack's cluster.
 */
import { parseArgs } from "util";
import { backupApp, JOB_DEADLINE_SECONDS, whereOf } from "../components/backup-scripts";
import { kubectlFor } from "./backups/kubectl";
import { followJob } from "./backups/jobs";
import { chooseStores, jobName, stackBackups } from "./backups/stack";
import { selectStack } from "./driver";
import { UsageError } from "./preflight";

const USAGE = `usage: npm run backup -- --stack <name> [--store <store>] [--backend <url>] [--cwd <dir>]

  --stack, -s <name>   a deployed stack that deploys an app
  --store <store>      only this data store (default: every store the stack backs up)
  --backend <url>      state backend (default: $PULUMI_BACKEND_URL, else file://<project>/.pulumi-state)
  --cwd <dir>          project directory (default: this repository)

exit codes:
  0  every backup completed
  1  a backup Job failed (its log says why), or the cluster could not be reached
  2  usage or config error (unknown stack or store, a stack without backups, no kubectl)`;

async function main(): Promise<number> {
    let values: { stack?: string; store?: string; backend?: string; cwd?: string; help: boolean };
    try {
        values = parseArgs({
            options: {
                stack: { type: "string", short: "s" },
                store: { type: "string" },
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
    if (!values.stack) throw new UsageError(USAGE);
    const s = await stackBackups(await selectStack({ stack: values.stack, workDir: values.cwd, backendUrl: values.backend }));
    const tiers = chooseStores(s, values.store);
    const kubectl = kubectlFor(s.kube, values.cwd ?? `${__dirname}/..`);
    const { namespace, target } = s.backups;
    let failed = 0;
    for (const tier of tiers) {
        const name = jobName(`${backupApp(tier.name)}-now`);
        console.log(`[backup] ${tier.name} to ${whereOf(target, namespace, tier.name)}: job ${namespace}/${name}`);
        const created = kubectl.run(["-n", namespace, "create", "job", name, `--from=cronjob/${backupApp(tier.name)}`]);
        if (created.code !== 0) {
            console.error(`[backup] could not create the job: ${created.stderr.trim()}`);
            return 1;
        }
        const end = await followJob(kubectl, namespace, name, ["dump", "upload"], (line) => console.log(line), (JOB_DEADLINE_SECONDS + 600) * 1000);
        console.log(`[backup] ${tier.name}: ${end === "Complete" ? "complete" : `failed (kubectl -n ${namespace} logs job/${name} --all-containers)`}`);
        if (end !== "Complete") failed++;
    }
    console.log(`\nbackup ${s.stack}: ${tiers.length - failed} of ${tiers.length} complete`);
    return failed === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        if (err instanceof UsageError) {
            console.error(err.message);
            process.exit(err.exitCode);
        }
        console.error(`backup failed: ${(err as Error).message ?? err}`);
        process.exit(1);
    },
);
