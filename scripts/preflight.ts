/**
 * First-run checks of the driver, each failing with one sentence that says what to do, before the
 * engine starts: the Pulumi CLI, and for a local stack the kube context.
 */
import { PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as path from "path";
import { APPS, DEFAULT_APP } from "../apps";
import { addonsOfRawConfig } from "../config/addons";
import { GATEWAY_API, missingGatewayApi, needsClusterGatewayApi, servesApi } from "../config/cluster-apis";
import { kubeContextProblem } from "../config/kube-context";
import { baseSchema } from "../config/schema";

// PulumiCommand needs a SemVer of the semver copy @pulumi/pulumi itself loads (the top-level one is another major).
const pulumiSdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const { SemVer } = require(require.resolve("semver", { paths: [pulumiSdkDir] })) as typeof import("semver");

/** A usage, setup or config problem the user fixes (exit code 2), as opposed to an engine failure (1). */
export class UsageError extends Error {
    readonly exitCode = 2;
}

/** The CLI version the driver installs with --install-cli, and the oldest it accepts: the SDK's own. */
export const PULUMI_CLI_VERSION: string = require(path.join(pulumiSdkDir, "package.json")).version;
export const INSTALL_URL = "https://www.pulumi.com/docs/install/";

/** The Pulumi CLI on PATH (or installed with `install`), checked against PULUMI_CLI_VERSION. */
export async function pulumiCli(install: boolean): Promise<PulumiCommand> {
    const version = new SemVer(PULUMI_CLI_VERSION);
    if (install) return PulumiCommand.install({ version });
    try {
        return await PulumiCommand.get({ version });
    } catch (err) {
        const message = (err as Error).message ?? String(err);
        if (message.includes("ENOENT")) {
            throw new UsageError(
                `The Pulumi CLI is not installed (no \`pulumi\` on PATH). Install version ${PULUMI_CLI_VERSION} or later from ${INSTALL_URL}, ` +
                    `or rerun with --install-cli to install ${PULUMI_CLI_VERSION} into ~/.pulumi/versions/${PULUMI_CLI_VERSION} and use it.`,
            );
        }
        if (message.includes("Minimum version requirement failed")) {
            throw new UsageError(`${message} See ${INSTALL_URL}, or rerun with --install-cli to install ${PULUMI_CLI_VERSION} and use it.`);
        }
        throw err;
    }
}

/**
 * For a stack with its own local target: the kube context from its config must exist in the kubeconfig,
 * and the cluster must serve the Gateway API when the app's routes need it and no add-on brings it.
 */
export async function checkKubeContext(stack: Stack, project: string, workDir: string, env: NodeJS.ProcessEnv): Promise<void> {
    const config = await stack.getAllConfig();
    const problem = localClusterProblem((key) => config[`${project}:${key}`]?.value, workDir, env);
    if (problem) throw new UsageError(problem);
}

/** The first problem of a local stack's cluster, from its config values (keys without namespace), or undefined. */
export function localClusterProblem(value: (key: string) => string | undefined, workDir: string, env: NodeJS.ProcessEnv): string | undefined {
    // An app stack reaches the cluster its platform stack names; a cloud target makes its own.
    if (value("platform") !== undefined || (value("target") ?? "local") !== "local") return undefined;
    const context = value("kubeContext") ?? baseSchema.shape.kubeContext.parse(undefined);
    const kubeconfig = value("kubeconfig");
    // A relative kubeconfig path means the same to the program, which runs in the project directory.
    const resolved = kubeconfig && !kubeconfig.includes("\n") && !path.isAbsolute(kubeconfig) && !kubeconfig.startsWith("~") ? path.join(workDir, kubeconfig) : kubeconfig;
    const problem = kubeContextProblem(resolved, context, env);
    if (problem) return problem;
    // The program checks this too; here it fails before the engine starts.
    const addons = addonsOfRawConfig("local", value("addons"));
    const routes = APPS[value("app") ?? DEFAULT_APP]?.routes !== undefined;
    if (addons && needsClusterGatewayApi(value("routing") ?? "gateway", routes, addons.gateway) && servesApi({ kubeconfig: resolved, context }, GATEWAY_API, env) === false) {
        return missingGatewayApi(`the cluster of context ${context}`);
    }
    return undefined;
}

/** Config errors the program, the SDK or the engine (a policy pack's config) report; they are the user's to fix. */
export const isConfigFailure = (message: string): boolean =>
    /Invalid stack configuration:|Missing required configuration variable|Configuration '[^']+' value '[^']*' is not a valid|error: validating policy config/.test(
        message,
    );
