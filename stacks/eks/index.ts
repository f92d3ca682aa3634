import { isStateless } from "../../apps/wiring";
import { PriorityClasses } from "../../components/addons/priority-classes";
import type { OwnCluster, StackConfig } from "../../config";
import { platformOutput } from "../export";
import type { Platform } from "../platform";
import { eksAddons } from "./addons";
import { cluster } from "./cluster";
import { accountOf, eksContext } from "./context";
import { network } from "./network";
import { nodes } from "./nodes";
import { ecrRegistryHost, eksRouting, LBC_NLB_ANNOTATIONS, NLB_ANNOTATIONS } from "./conventions";
import { eksTls } from "./host-tls";
import { registry } from "./registry";
import { storage } from "./storage";
import { workloadBuckets } from "./workload-bucket";

/**
 * An EKS cluster in its own VPC, nodes in the private subnets, EBS-backed storage, one ECR repository
 * per image of the app (if the stack deploys one), and the add-ons. Every Kubernetes object goes
 * through this cluster's provider, so `pulumi destroy` deletes them (and the load balancers behind the
 * Services and routes) before the controller, the nodes, the cluster and the VPC. Each part is in its
 * own file in this folder.
 */
export function eksPlatform(cfg: StackConfig & OwnCluster & { target: "eks" }): Platform {
    const x = eksContext(cfg.eks);
    const { c } = x;
    // The chosen app's own images (its stateless tiers); data stores stay pinned upstream images.
    const appImages = [...new Set((cfg.app?.spec.tiers ?? []).filter(isStateless).map((t) => t.image))];

    const vpc = network(x.project, c, x.inAwsComponent);
    const { cluster: eksCluster, clusterName, kubeconfig, provider } = cluster(x, vpc);
    const nodeGroup = nodes(x, vpc, clusterName);
    const { gp3, ebsCsi } = storage(x, eksCluster, nodeGroup, provider);
    const repositoryPolicy = { keepImages: c.ecrKeepImages, forceDelete: c.forceDeleteRepositories };
    const repositories = registry(x, repositoryPolicy, appImages);
    const className = cfg.routeClassName ?? eksRouting.className;
    const addons = eksAddons(x, cfg.addons, { cluster: eksCluster, vpc, nodeGroup, provider, className });
    const accountId = accountOf(eksCluster.oidcProviderArn);
    const priorityClasses = new PriorityClasses("priority-classes", {}, { providers: { kubernetes: provider } }).names;

    const platform: Platform = {
        target: "eks",
        provider,
        storageClass: cfg.storageClass ?? gp3.metadata.name,
        priorityClasses,
        kind: "cloud",
        loadBalancerAnnotations: addons.gatewayController ? LBC_NLB_ANNOTATIONS : NLB_ANNOTATIONS,
        routing: {
            ...eksRouting.routing(className, cfg.routeControllerNamespace, c.publicSubnetCidrs),
            // The controller and its GatewayClass: on destroy the routes (and their ALBs) go first.
            dependsOn: addons.gatewayController && [addons.gatewayController],
        },
        tls: eksTls(cfg.tls, x.onAws),
        imageRepository: (image) => {
            const repository = repositories[image];
            if (!repository) throw new Error(`no ECR repository for image "${image}"; known: ${appImages.join(", ")}`);
            return repository.repositoryUrl;
        },
        // The controller's webhooks (a Service mutator, failurePolicy Fail) refuse the app's Services until its
        // pods serve them: every app object waits for the chart (a component dependency waits for its Deployment).
        dependsOn: [gp3, ebsCsi, ...(addons.gatewayController ? [addons.gatewayController] : [])],
        workloadBucket: workloadBuckets(x, { oidcProviderArn: eksCluster.oidcProviderArn, oidcIssuer: eksCluster.oidcIssuer, accountId }),
        installed: { metricsServer: cfg.addons.metricsServer, gateway: cfg.addons.gateway, monitoring: cfg.addons.monitoring, logging: cfg.addons.logging },
        addons,
        outputs: {
            region: c.region,
            clusterName,
            kubeconfig,
            ecrRepositories: Object.fromEntries(Object.entries(repositories).map(([image, r]) => [image, r.repositoryUrl])),
            vpcId: vpc.vpcId,
        },
    };
    return {
        ...platform,
        exported: platformOutput(platform, {
            kubernetes: { kubeconfig },
            registry: { kind: "ecr", host: ecrRegistryHost(accountId, c.region), region: c.region, ...repositoryPolicy },
            identity: {
                aws: {
                    region: c.region,
                    partition: x.partition,
                    accountId,
                    clusterName,
                    oidcProviderArn: eksCluster.oidcProviderArn,
                    oidcIssuer: eksCluster.oidcIssuer,
                },
            },
        }),
    };
}
