/**
 * The main command: `npm run deploy -- --stack dev [--preview | --destroy | --refresh] [--policy-pack DIR [--policy-pack-config FILE]]
 * [--backend URL] [--cwd DIR] [--install-cli] [--force] [--adopt]`.
 * Drives the Pulumi engine through the Automation API; CI calls the same module.
 */
import { parseArgs } from "util";
import { Action, runStack } from "./driver";
import { isConfigFailure, PULUMI_CLI_VERSION, UsageError } from "./preflight";

const USAGE = `usage: npm run deploy -- --stack <name> [--preview | --destroy | --refresh] [--policy-pack <dir> [--policy-pack-config <file>]]
                         [--backend <url>] [--cwd <dir>] [--install-cli] [--force] [--adopt]

  --stack, -s <name>  stack to create or select (dev, eks, gke, ...)
  --preview           show what would change; --destroy: delete everything; --refresh: read the cluster back
                      (default: pulumi up)
  --policy-pack <dir> enforce a CrossGuard pack on up/preview (this repository's: policy); a violation fails the run
  --policy-pack-config <file>  its config, e.g. policy/eks.json (protectData on)
  --backend <url>     state backend (default: $PULUMI_BACKEND_URL, else file://<project>/.pulumi-state)
  --cwd <dir>         project directory (default: this repository)
  --install-cli       no Pulumi CLI on PATH? install ${PULUMI_CLI_VERSION} into ~/.pulumi/versions/${PULUMI_CLI_VERSION} and use it
  --force             with --destroy: destroy a platform stack even while app stacks of the same backend still reference it
                      (without it, the destroy is refused and those stacks are listed)
  --adopt             with up: take over objects that already exist in the cluster instead of failing on them
                      (the claims and namespace a destroy kept under protectData; sets PULUMI_K8S_UPSERT_EXISTING_OBJECTS)

exit codes:
  0  success
  1  the engine failed (a resource operation, the cluster, the cloud)
  2  usage or config error (bad option, no Pulumi CLI, missing kube context, invalid stack config)`;

type Options = {
    stack?: string;
    preview: boolean;
    destroy: boolean;
    refresh: boolean;
    "policy-pack"?: string;
    "policy-pack-config"?: string;
    backend?: string;
    cwd?: string;
    "install-cli": boolean;
    force: boolean;
    adopt: boolean;
    help: boolean;
};

function parse(): Options {
    try {
        return parseArgs({
            options: {
                stack: { type: "string", short: "s" },
                preview: { type: "boolean", default: false },
                destroy: { type: "boolean", default: false },
                refresh: { type: "boolean", default: false },
                "policy-pack": { type: "string" },
                "policy-pack-config": { type: "string" },
                backend: { type: "string" },
                cwd: { type: "string" },
                "install-cli": { type: "boolean", default: false },
                force: { type: "boolean", default: false },
                adopt: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
        }).values as Options;
    } catch (err) {
        throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
    }
}

async function main(): Promise<number> {
    const values = parse();
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const chosen = (["preview", "destroy", "refresh"] as const).filter((a) => values[a]);
    if (!values.stack || chosen.length > 1) throw new UsageError(USAGE);
    if (values["policy-pack-config"] && !values["policy-pack"]) throw new UsageError(`--policy-pack-config needs --policy-pack\n\n${USAGE}`);
    const action: Action = chosen[0] ?? "up";
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    try {
        const result = await runStack({
            stack: values.stack,
            action,
            backendUrl: values.backend,
            workDir: values.cwd,
            installCli: values["install-cli"],
            force: values.force,
            // The Kubernetes provider creates with AlreadyExists errors by default; this run adopts instead.
            env: values.adopt ? { PULUMI_K8S_UPSERT_EXISTING_OBJECTS: "true" } : undefined,
            policyPack: values["policy-pack"] ? { dir: values["policy-pack"], config: values["policy-pack-config"] } : undefined,
            signal: controller.signal,
        });
        if (action !== "destroy") {
            console.log("\nOutputs:");
            for (const [key, out] of Object.entries(result.outputs)) {
                console.log(`  ${key}: ${out.secret ? "[secret]" : JSON.stringify(out.value)}`);
            }
        }
        console.log(`\n${result.summary}`);
        return 0;
    } catch (err) {
        if (err instanceof UsageError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        console.error(`\n${action} ${values.stack} failed:\n${message}`);
        return isConfigFailure(message) ? 2 : 1;
    }
}

main().then(
    (code) => process.exit(code),
    (err) => {
        if (!(err instanceof UsageError)) throw err;
        console.error(err.message);
        process.exit(err.exitCode);
    },
);
