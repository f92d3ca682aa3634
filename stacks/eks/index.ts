import { isStateless } from "../../apps/wiring";
import { PriorityClasses } from "../../components/addons/priority-classes";
import type { StackConfig } from "../../config";
import type { Platform } from "../platform";
import { eksAddons } from "./addons";
import { cluster } from "./cluster";
import { eksContext } from "./context";
import { network } from "./network";
import { nodes } from "./nodes";
import { registry } from "./registry";
import { storage } from "./storage";

/** ALB (AWS Load Balancer Controller) for both Ingress and Gateway API. */
const ALB_CLASS = "alb";

/** Read by the in-tree AWS cloud provider: an internet-facing NLB instead of a Classic ELB. */
const NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
};

/**
 * An EKS cluster in its own VPC, nodes in the private subnets, EBS-backed storage, one ECR repository
 * per app image, and the add-ons. Every Kubernetes object goes through this cluster's provider, so
 * `pulumi destroy` deletes them (and the load balancers behind the Services and routes) before the
 * controller, the nodes, the cluster and the VPC. Each part is in its own file in this folder.
 */
export function eksPlatform(cfg: StackConfig & { target: "eks" }): Platform {
    const x = eksContext(cfg.eks);
    const { c } = x;
    // The chosen app's own images (its stateless tiers); data stores stay pinned upstream images.
    const appImages = [...new Set(cfg.app.tiers.filter(isStateless).map((t) => t.image))];

    const vpc = network(x.project, c, x.inAwsComponent);
    const { cluster: eksCluster, clusterName, kubeconfig, provider } = cluster(x, vpc);
    const nodeGroup = nodes(x, vpc, clusterName);
    const { gp3, ebsCsi } = storage(x, eksCluster, nodeGroup, provider);
    const repositories = registry(x, appImages);
    const className = cfg.routeClassName ?? ALB_CLASS;
    const addons = eksAddons(x, cfg.addons, { cluster: eksCluster, vpc, nodeGroup, provider, className });
    const priorityClasses = new PriorityClasses("priority-classes", {}, { providers: { kubernetes: provider } }).names;

    return {
        provider,
        storageClass: cfg.storageClass ?? gp3.metadata.name,
        priorityClasses,
        kind: "cloud",
        loadBalancerAnnotations: NLB_ANNOTATIONS,
        routing: {
            gatewayClassName: className,
            ingressClassName: className,
            listenerPort: 80,
            ingressAnnotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/target-type": "ip" },
            // An internet-facing ALB in IP mode reaches pods from its nodes in the public subnets.
            sources: cfg.routeControllerNamespace
                ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.routeControllerNamespace } } }]
                : c.publicSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            // The controller and its GatewayClass: on destroy the routes (and their ALBs) go first.
            dependsOn: addons.gatewayController && [addons.gatewayController],
        },
        imageRepository: (image) => {
            const repository = repositories[image];
            if (!repository) throw new Error(`no ECR repository for image "${image}"; known: ${appImages.join(", ")}`);
            return repository.repositoryUrl;
        },
        dependsOn: [gp3, ebsCsi],
        addons,
        outputs: {
            region: c.region,
            clusterName,
            kubeconfig,
            ecrRepositories: Object.fromEntries(Object.entries(repositories).map(([image, r]) => [image, r.repositoryUrl])),
            vpcId: vpc.vpcId,
        },
    };
}
