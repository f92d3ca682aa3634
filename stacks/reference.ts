import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isStateless } from "../apps/wiring";
import type { OnPlatform, StackConfig } from "../config";
import { resolveOnPlatform } from "../config/addons";
import { GATEWAY_API, missingGatewayApi, needsClusterGatewayApi, servesApi } from "../config/cluster-apis";
import { ConfigError } from "../config/errors";
import { parsePlatformOutput, PlatformOutput } from "../config/platform-output";
import { resolveTlsOnPlatform } from "../config/tls";
import { appStackHosts } from "../config/tls-section";
import { appStackTls } from "./app-tls";
import type { Platform } from "./platform";

/**
 * An app stack's platform, read from the platform stack's `platform` output through a StackReference
 * and checked before anything else is registered: the object's version and shape, and every add-on
 * this stack asks for. That is what the await protects: a platform that cannot carry the app stops
 * the run with nothing created. Classes, storage and registry are the platform's unless this stack
 * overrides them; what is the app's own in the cloud (its ECR repositories) is created here.
 */
export async function referencedPlatform(cfg: StackConfig & OnPlatform): Promise<Platform> {
    const reference = new pulumi.StackReference("platform", { name: cfg.platform });
    const details = await reference.getOutputDetails("platform");
    const out = parsePlatformOutput(details.value ?? details.secretValue, cfg.platform);
    const { addons, problems } = resolveOnPlatform(cfg.addons.requests, out.addons, cfg.platform);
    const resolvedTls = resolveTlsOnPlatform(out.tls, out.target, cfg.tls, appStackHosts(cfg.routeHost), cfg.platform);
    problems.push(...resolvedTls.problems);
    if (needsClusterGatewayApi(cfg.routing, cfg.app?.spec.routes !== undefined, out.addons.gateway) && servesApi(out.kubernetes, GATEWAY_API) === false) {
        problems.push(missingGatewayApi(`the cluster of the platform stack ${cfg.platform}`, cfg.platform));
    }
    if (problems.length > 0 || !resolvedTls.choice) throw new ConfigError(problems);

    const provider = new k8s.Provider("platform", {
        kubeconfig: out.kubernetes.kubeconfig === undefined ? undefined : pulumi.secret(out.kubernetes.kubeconfig),
        context: out.kubernetes.context,
    });
    const controllerNamespace = cfg.routeControllerNamespace ?? out.routing.controllerNamespace;
    const cloud = await appCloud(out);
    const tls = await appStackTls(out, resolvedTls.choice, cfg.platform, cloud);
    const registry = imageRegistry(cfg, out, cloud);
    return {
        target: out.target,
        provider,
        kind: out.kind,
        storageClass: cfg.storageClass ?? out.storageClass,
        priorityClasses: out.priorityClasses,
        loadBalancerAnnotations: out.loadBalancerAnnotations,
        imageRepository: registry.imageRepository,
        routing: {
            gatewayClassName: cfg.routeClassName ?? out.routing.gatewayClassName,
            ingressClassName: cfg.routeClassName ?? out.routing.ingressClassName,
            listenerPort: out.routing.listenerPort,
            controllerNamespace,
            sources: cfg.routeControllerNamespace
                ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.routeControllerNamespace } } }]
                : out.routing.sources,
            ingressAnnotations: out.routing.ingressAnnotations,
        },
        tls,
        workloadBucket: cloud.workloadBucket,
        installed: addons,
        logging: out.logging,
        outputs: { platformStack: cfg.platform, ...registry.outputs, ...tls.outputs },
    };
}

interface AppRegistry {
    imageRepository(image: string): pulumi.Input<string>;
    outputs: Record<string, pulumi.Input<unknown>>;
}

type AppCloud = Partial<ReturnType<typeof import("./eks/app-cloud").eksAppCloud>> &
    Partial<Pick<ReturnType<typeof import("./gke/app-cloud").gkeAppCloud>, "gcp">> &
    Pick<Platform, "workloadBucket">;

/** What this app stack may create in the platform's cloud (loaded only for that cloud). */
async function appCloud(out: PlatformOutput): Promise<AppCloud> {
    if (out.identity.aws || out.registry.kind === "ecr") return (await import("./eks/app-cloud")).eksAppCloud(out);
    if (out.identity.gcp) return (await import("./gke/app-cloud")).gkeAppCloud(out.identity.gcp);
    return {};
}

/** Where this app's images are: under the platform's prefix or repository, or in ECR repositories of its own. */
function imageRegistry(cfg: StackConfig & OnPlatform, out: PlatformOutput, cloud: AppCloud): AppRegistry {
    const registry = out.registry;
    switch (registry.kind) {
        case "prefix": {
            const prefix = cfg.imageRegistry ?? registry.prefix;
            return { imageRepository: (image) => `${prefix}/${image}`, outputs: {} };
        }
        case "artifact-registry":
            return { imageRepository: (image) => `${registry.url}/${image}`, outputs: { registryUrl: registry.url } };
        case "ecr": {
            const images = [...new Set((cfg.app?.spec.tiers ?? []).filter(isStateless).map((t) => t.image))];
            if (!cloud.repositories) throw new Error(`the platform stack ${out.stack} uses ECR but this stack has no AWS context`);
            return cloud.repositories(registry, images);
        }
    }
}
