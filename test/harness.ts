import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CLOUD_CALLS } from "./cloud-calls";

/** A resource as the program registered it (inputs with secrets still wrapped). */
export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    provider?: string;
    custom: boolean;
    /** Resource options that mocks do not pass to newResource, read from the registration request. */
    protect: boolean;
    retainOnDelete: boolean;
    /** URNs of the explicit and implicit dependencies. */
    dependencies: string[];
    /** The `providers` map (package -> provider reference), how a component passes providers on. */
    providers: Record<string, string>;
    /** Outputs the engine stores as secrets whatever their inputs were (e.g. a Secret's data). */
    additionalSecretOutputs: string[];
    /** The URN the real engine gives it (the mock monitor qualifies the type with the parent's type only). */
    urn: string;
    /** The customTimeouts option (empty strings where not set). */
    customTimeouts: { create: string; update: string; delete: string };
}

type RequestOptions = Pick<Registered, "protect" | "retainOnDelete" | "dependencies" | "providers" | "additionalSecretOutputs" | "urn" | "customTimeouts">;

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDependenciesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getProvidersMap(): { forEach(fn: (value: string, key: string) => void): void };
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

export interface RunOptions {
    /** Stack whose Pulumi.<stack>.yaml is the base config. */
    stack: string;
    /** Keys without namespace; a value of undefined removes the key. */
    config?: Record<string, string | undefined>;
    /** Secret keys (set as secrets); undefined removes them. Defaults give both passwords test values. */
    secrets?: Record<string, string | undefined>;
    /** Extra state per resource type, e.g. outputs a cloud resource computes. */
    state?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
    /** Answers to provider functions (invokes), by token. */
    calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
    /**
     * What a StackReference reads: the referenced stack's name (`org/project/stack`) -> its `platform`
     * output (a stack that is not listed has no outputs).
     */
    platforms?: Record<string, unknown>;
}

export interface RunResult {
    resources: Registered[];
    /** The stack outputs, resolved. */
    outputs: Record<string, unknown>;
    /** The stack outputs as the program returned them (Outputs, secrets still marked). */
    raw: Record<string, unknown>;
    error?: Error;
}

/** Test values of the catalog's generated secrets (each app reads the ones it declares). */
export const TEST_SECRETS = {
    dbPassword: "test-db-password-1f9c",
    rabbitmqPassword: "test-mq-password-7b2e",
    mongoPassword: "test-mongo-password-3c8d",
    redisPassword: "test-redis-password-9a1f",
    jwtSecret: "test-jwt-secret-5e7b",
    authMongoPassword: "test-auth-mongo-password-11",
    ticketsMongoPassword: "test-tickets-mongo-password-22",
    ordersMongoPassword: "test-orders-mongo-password-33",
    paymentsMongoPassword: "test-payments-mongo-password-44",
    jwtKey: "test-jwt-key-55",
    // Shaped like a Stripe test key (the app checks the shape); not a key of any account.
    stripeKey: "sk_test_0000000000000000000000000",
    // Read only when addons.monitoring is on.
    grafanaAdminPassword: "test-grafana-password-66",
};
const PROJECT = "ticketbuster";
const ROOT = path.join(__dirname, "..");
export const MOCK_KUBECONFIG = path.join(__dirname, "fixtures", "kube", "docker-desktop.yaml");

/** A stack's file: the repository's own Pulumi.<stack>.yaml, else the one of that name under examples/. */
export function stackFile(stack: string): string {
    const own = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(own)) return own;
    const examples = path.join(ROOT, "examples");
    const found = fs.readdirSync(examples).map((dir) => path.join(examples, dir, `Pulumi.${stack}.yaml`)).find((f) => fs.existsSync(f));
    if (!found) throw new Error(`no stack file Pulumi.${stack}.yaml in the repository or under examples/`);
    return found;
}

export function stackConfig(stack: string): Record<string, string> {
    const file = stackFile(stack);
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) continue;
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

export const resolve = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));

const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

const realProgram = async () => (await import("../program")).main();

/**
 * Evaluates the real program (program.ts, what index.ts exports), or another program such as a single component, against
 * Pulumi mocks with the given stack's config.
 */
export async function runProgram(opts: RunOptions, program: () => Promise<unknown> = realProgram): Promise<RunResult> {
    const resources: Registered[] = [];
    const requestOptions = new Map<string, RequestOptions>();
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const options = requestOptions.get(`${args.type}::${args.name}`);
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    provider: args.provider,
                    custom: args.custom ?? false,
                    protect: options?.protect ?? false,
                    retainOnDelete: options?.retainOnDelete ?? false,
                    dependencies: options?.dependencies ?? [],
                    providers: options?.providers ?? {},
                    additionalSecretOutputs: options?.additionalSecretOutputs ?? [],
                    urn: options?.urn ?? `urn:pulumi:${opts.stack}::${PROJECT}::${args.type}::${args.name}`,
                    customTimeouts: options?.customTimeouts ?? { create: "", update: "", delete: "" },
                });
                const state = { ...args.inputs, ...(opts.state?.(args) ?? {}), ...stackReference(args, opts.platforms) };
                return { id: `${args.name}-id`, state };
            },
            call(args) {
                const answer = opts.calls?.[args.token] ?? CLOUD_CALLS[args.token];
                if (!answer) throw new Error(`unexpected invoke ${args.token} in a test`);
                return answer(args.inputs);
            },
        },
        PROJECT,
        opts.stack,
        false,
    );

    // The mock monitor drops resource options; record them from the raw request first.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
    };
    const register = monitor.registerResource.bind(monitor);
    // The engine's URN carries the whole chain of parent types; the mock's only the parent's own type.
    const qualifiedTypeOf = new Map<string, string>();
    const mockUrn = (parent: string, type: string, name: string) =>
        `urn:pulumi:${opts.stack}::${PROJECT}::${parent ? `${parent.split("::")[2].split("$").pop()}$` : ""}${type}::${name}`;
    monitor.registerResource = (req, callback) => {
        const parentType = req.getParent() ? qualifiedTypeOf.get(req.getParent()) : undefined;
        const qualifiedType = parentType ? `${parentType}$${req.getType()}` : req.getType();
        qualifiedTypeOf.set(mockUrn(req.getParent(), req.getType(), req.getName()), qualifiedType);
        const providers: Record<string, string> = {};
        req.getProvidersMap().forEach((ref, pkg) => (providers[pkg] = ref));
        requestOptions.set(`${req.getType()}::${req.getName()}`, {
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            dependencies: req.getDependenciesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            providers,
            urn: `urn:pulumi:${opts.stack}::${PROJECT}::${qualifiedType}::${req.getName()}`,
            customTimeouts: timeoutsOf(req),
        });
        return register(req, callback);
    };

    const config: Record<string, string> = stackConfig(opts.stack);
    for (const [k, v] of Object.entries(opts.config ?? {})) {
        if (v === undefined) delete config[`${PROJECT}:${k}`];
        else config[`${PROJECT}:${k}`] = v;
    }
    const secrets = { ...TEST_SECRETS, ...opts.secrets };
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(secrets)) {
        if (v === undefined) continue;
        config[`${PROJECT}:${k}`] = v;
        secretKeys.push(`${PROJECT}:${k}`);
    }
    pulumi.runtime.setAllConfig(config, secretKeys);
    // The local target checks its kube context exists: tests see a kubeconfig that has docker-desktop,
    // whatever the machine's own kubeconfig holds.
    process.env.KUBECONFIG = MOCK_KUBECONFIG;
    // A cluster the program may ask what it serves (config/cluster-apis.ts): a stand-in, unreachable unless a test says otherwise.
    process.env.TICKETBUSTER_KUBECTL = path.join(__dirname, "fixtures", "kube", "kubectl");

    try {
        const raw = (await program()) as Record<string, unknown>;
        const outputs = (await resolve(pulumi.output(raw))) as Record<string, unknown>;
        await waitForRPCs();
        return { resources, outputs, raw };
    } catch (error) {
        await waitForRPCs();
        return { resources, outputs: {}, raw: {}, error: error as Error };
    }
}

function timeoutsOf(req: RegisterRequest): Registered["customTimeouts"] {
    const t = req.getCustomtimeouts();
    return { create: t?.getCreate() ?? "", update: t?.getUpdate() ?? "", delete: t?.getDelete() ?? "" };
}

/** A StackReference's outputs, as the engine reads them from the referenced stack (the platform output holds a secret). */
function stackReference(args: pulumi.runtime.MockResourceArgs, platforms: RunOptions["platforms"]): Record<string, unknown> {
    if (args.type !== "pulumi:pulumi:StackReference") return {};
    const platform = platforms?.[String(args.inputs.name)];
    return platform === undefined ? { outputs: {}, secretOutputNames: [] } : { outputs: { platform }, secretOutputNames: ["platform"] };
}

// Secrets arrive in mock inputs wrapped with Pulumi's signature.
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(v: unknown): boolean {
    return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
}

/** Inputs with every secret wrapper removed, for assertions on values. */
export function plain<T = any>(v: unknown): T {
    if (isSecretValue(v)) return plain((v as { value: unknown }).value);
    if (Array.isArray(v)) return v.map((x) => plain(x)) as T;
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) as T;
    }
    return v as T;
}

export const isKubernetes = (r: Registered) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:");

/** The single registered resource of a type (and optional Kubernetes name); throws otherwise. */
export function one(resources: Registered[], type: string, k8sName?: string): Registered {
    const found = resources.filter(
        (r) => r.type === type && (k8sName === undefined || plain<{ metadata?: { name?: string } }>(r.inputs).metadata?.name === k8sName),
    );
    if (found.length !== 1) throw new Error(`expected one ${type} ${k8sName ?? ""}, found ${found.length}`);
    return found[0];
}
