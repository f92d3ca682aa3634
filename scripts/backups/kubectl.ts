import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../preflight";

export const KUBECTL_INSTALL = "https://kubernetes.io/docs/tasks/tools/";

export interface KubeAccess {
    /** A kubeconfig path or its content (the platform output holds either). */
    kubeconfig?: string;
    context?: string;
}

export interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

/** kubectl with the stack's kubeconfig and context: the cluster the stack's Kubernetes provider uses. */
export class Kubectl {
    constructor(private readonly base: string[], private readonly bin = process.env.KUBECTL ?? "kubectl") {}

    run(args: string[], input?: string): Result {
        const r = spawnSync(this.bin, [...this.base, ...args], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        if (r.error) throw r.error;
        return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    }

    /** Runs and parses JSON output; throws with kubectl's error. */
    json<T = any>(args: string[]): T {
        const r = this.run([...args, "-o", "json"]);
        if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
        return JSON.parse(r.stdout) as T;
    }

    /** Streams a command's output line by line (kubectl logs -f); resolves with its exit code and error text. */
    stream(args: string[], onLine: (line: string) => void): Promise<Result> {
        return new Promise((resolve, reject) => {
            const child = spawn(this.bin, [...this.base, ...args], { stdio: ["ignore", "pipe", "pipe"] });
            let rest = "";
            let stderr = "";
            child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
                const lines = (rest + chunk).split("\n");
                rest = lines.pop() ?? "";
                lines.forEach(onLine);
            });
            child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
            child.on("error", reject);
            child.on("close", (code) => {
                if (rest) onLine(rest);
                resolve({ code: code ?? 1, stdout: "", stderr });
            });
        });
    }
}

/** The kubeconfig as a file kubectl can read: a path as given, content written to a private temp file. */
function kubeconfigFile(kubeconfig: string, workDir: string): string {
    const isContent = kubeconfig.includes("\n") || kubeconfig.trimStart().startsWith("{");
    if (!isContent) {
        const expanded = kubeconfig.startsWith("~") ? path.join(os.homedir(), kubeconfig.slice(1)) : kubeconfig;
        return path.isAbsolute(expanded) ? expanded : path.join(workDir, expanded);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ticketbuster-kube-"));
    const file = path.join(dir, "config");
    fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return file;
}

/** kubectl for the stack's cluster; refuses (exit 2) when kubectl is not installed. */
export function kubectlFor(access: KubeAccess, workDir: string): Kubectl {
    const bin = process.env.KUBECTL ?? "kubectl";
    const probe = spawnSync(bin, ["version", "--client"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) {
        throw new UsageError(`kubectl is not installed (no \`${bin}\` on PATH); the backup and restore commands run their Jobs with it. Install it: ${KUBECTL_INSTALL}`);
    }
    const base = [
        ...(access.kubeconfig ? ["--kubeconfig", kubeconfigFile(access.kubeconfig, workDir)] : []),
        ...(access.context ? ["--context", access.context] : []),
    ];
    return new Kubectl(base, bin);
}
