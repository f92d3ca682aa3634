import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

/** Where contexts were looked up, and which exist there (first definition wins, as in kubectl). */
export interface KubeContexts {
    /** Human-readable source: the files read, or "the inline kubeconfig". */
    source: string;
    contexts: string[];
}

const isInline = (kubeconfig: string) => kubeconfig.includes("\n") || /^\s*[{]|^\s*apiVersion\s*:/.test(kubeconfig);

function contextNames(content: string): string[] {
    const doc = parse(content) as { contexts?: { name?: unknown }[] } | null;
    return (doc?.contexts ?? []).map((c) => c?.name).filter((n): n is string => typeof n === "string");
}

const expandHome = (p: string, home: string) => (p === "~" || p.startsWith("~/") ? path.join(home, p.slice(1)) : p);

/**
 * Reads the contexts the way kubectl finds its kubeconfig: the explicit value (a path, or the
 * content itself as the `kubeconfig` config key allows), else every file of $KUBECONFIG
 * (colon-separated; missing files are skipped), else ~/.kube/config.
 */
export function kubeContexts(kubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): KubeContexts {
    if (kubeconfig !== undefined && kubeconfig.trim() !== "" && isInline(kubeconfig)) {
        return { source: "the inline kubeconfig (config key kubeconfig)", contexts: contextNames(kubeconfig) };
    }
    const files =
        kubeconfig !== undefined && kubeconfig.trim() !== ""
            ? [expandHome(kubeconfig.trim(), home)]
            : env.KUBECONFIG
              ? env.KUBECONFIG.split(path.delimiter).filter(Boolean)
              : [path.join(home, ".kube", "config")];
    const contexts: string[] = [];
    for (const file of files.filter((f) => fs.existsSync(f))) {
        for (const name of contextNames(fs.readFileSync(file, "utf8"))) if (!contexts.includes(name)) contexts.push(name);
    }
    return { source: files.join(path.delimiter), contexts };
}

/**
 * Why `context` cannot be used, as one sentence with the fix, or undefined when it exists.
 * The common case: Docker Desktop's Kubernetes is not enabled, so there is no `docker-desktop` context.
 */
export function kubeContextProblem(kubeconfig: string | undefined, context: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string | undefined {
    let found: KubeContexts;
    try {
        found = kubeContexts(kubeconfig, env, home);
    } catch (err) {
        return `ticketbuster:kubeContext: cannot read the kubeconfig (${(err as Error).message.split("\n")[0]}); fix the file or point ticketbuster:kubeconfig at a valid one.`;
    }
    if (found.contexts.includes(context)) return undefined;
    const existing = found.contexts.length > 0 ? `the contexts there are: ${found.contexts.join(", ")}` : "it defines no context (or does not exist)";
    const dockerDesktop =
        context === "docker-desktop"
            ? "If you use Docker Desktop, enable its Kubernetes (Settings > Kubernetes > Enable Kubernetes, then Apply & restart), which adds the docker-desktop context; o"
            : "O";
    return (
        `ticketbuster:kubeContext: the kube context "${context}" is not in the kubeconfig (${found.source}); ${existing}. ` +
        `${dockerDesktop}r pick an existing context: pulumi config set kubeContext <name> (and pulumi config set kubeconfig <path> for another file).`
    );
}
