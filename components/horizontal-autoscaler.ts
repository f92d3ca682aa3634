import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AutoscalingSpec, ScalingPolicy } from "../apps/types";

export interface HorizontalAutoscalerArgs {
    metadata: k8s.types.input.meta.v1.ObjectMeta;
    deploymentName: pulumi.Input<string>;
    autoscaling: AutoscalingSpec;
    /** A replica override on an autoscaled tier raises the floor. */
    floor: number;
}

const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization } },
});

const behavior = (p: ScalingPolicy) => ({
    stabilizationWindowSeconds: p.stabilizationWindowSeconds,
    policies: [{ type: "Percent", value: p.percentPerPeriod, periodSeconds: p.periodSeconds }],
});

/** An autoscaling/v2 HPA on CPU and, when declared, memory (it scales on whichever wants more pods). */
export function horizontalAutoscaler(name: string, args: HorizontalAutoscalerArgs, opts: pulumi.CustomResourceOptions) {
    const a = args.autoscaling;
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        name,
        {
            metadata: args.metadata,
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.deploymentName },
                minReplicas: Math.max(a.minReplicas, args.floor),
                maxReplicas: a.maxReplicas,
                metrics: [
                    utilization("cpu", a.targetCpuUtilization),
                    ...(a.targetMemoryUtilization ? [utilization("memory", a.targetMemoryUtilization)] : []),
                ],
                behavior:
                    a.scaleUp || a.scaleDown
                        ? { scaleUp: a.scaleUp && behavior(a.scaleUp), scaleDown: a.scaleDown && behavior(a.scaleDown) }
                        : undefined,
            },
        },
        opts,
    );
}
