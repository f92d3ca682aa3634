/**
 * What a running cluster serves, asked with kubectl (which knows every kubeconfig auth method) before
 * anything is registered: routes rendered as Gateway API objects on a cluster without the Gateway API
 * would otherwise leave `pulumi up` retrying "no matches for kind Gateway" until it fails, late, after
 * everything else was created. Used by the program's config check and by the driver's preflight.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const GATEWAY_API = "gateway.networking.k8s.io/v1";

export interface ClusterAccess {
    /** A kubeconfig path or its content (as the `kubeconfig` key and the platform output allow); absent: kubectl's default. */
    kubeconfig?: string;
    context?: string;
}

const isInline = (kubeconfig: string) => kubeconfig.includes("\n") || /^\s*[{]|^\s*apiVersion\s*:/.test(kubeconfig);

/**
 * Whether the cluster serves an API group version: true, false (the API server says it does not), or
 * undefined when the cluster cannot be asked (no kubectl on PATH, unreachable, no permission), in which
 * case nothing is refused and the engine reports whatever happens.
 */
export function servesApi(cluster: ClusterAccess, groupVersion: string, env: NodeJS.ProcessEnv = process.env): boolean | undefined {
    let inline: string | undefined;
    const args: string[] = [];
    if (cluster.kubeconfig !== undefined && cluster.kubeconfig.trim() !== "") {
        if (isInline(cluster.kubeconfig)) {
            inline = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tb-kubeconfig-")), "config");
            fs.writeFileSync(inline, cluster.kubeconfig, { mode: 0o600 });
        }
        args.push("--kubeconfig", inline ?? cluster.kubeconfig);
    }
    if (cluster.context) args.push("--context", cluster.context);
    try {
        // TICKETBUSTER_KUBECTL: another kubectl binary (the unit tests' stand-in, test/fixtures/kube/kubectl).
        const r = spawnSync(env.TICKETBUSTER_KUBECTL ?? "kubectl", [...args, "get", "--raw", `/apis/${groupVersion}`, "--request-timeout=10s"], { encoding: "utf8", env, timeout: 20_000 });
        if (r.error) return undefined;
        if (r.status === 0) return true;
        return /NotFound|the server could not find the requested resource/.test(r.stderr) ? false : undefined;
    } finally {
        if (inline) fs.rmSync(path.dirname(inline), { recursive: true, force: true });
    }
}

/**
 * The one sentence that names the missing API and the two ways out; `platformStack`: the stack whose
 * gateway add-on it is (an app stack's platform), else this one.
 */
export function missingGatewayApi(where: string, platformStack?: string, ns = "ticketbuster"): string {
    const addon = `pulumi config set --path addons.gateway true${platformStack ? ` --stack ${platformStack}` : ""}`;
    return (
        `${ns}:routing: got "gateway", but ${where} serves no Gateway API (${GATEWAY_API}: no Gateway or HTTPRoute kind) and the gateway add-on is off; ` +
        `allowed: turn the add-on on (${addon}: its controller brings the API's CRDs), or serve the routes as an Ingress (pulumi config set routing ingress)`
    );
}

/** The routes of an app need the Gateway API from the cluster itself: they are Gateway API objects and no add-on brings it. */
export const needsClusterGatewayApi = (routing: string, hasRoutes: boolean, gatewayAddon: boolean) => routing === "gateway" && hasRoutes && !gatewayAddon;
