/** The cloud mocks render uses per target, and the placeholder values they put into objects. */
import { EKS, EKS_OIDC_ARN, GKE } from "../../test/cloud-mocks";

export { cloudStateFor } from "../../test/cloud-mocks";

export interface Placeholder {
    value: string;
    meaning: string;
}

export function cloudPlaceholders(target: string): Placeholder[] {
    switch (target) {
        case "eks":
            return [
                { value: EKS.account, meaning: "AWS account id (ECR registry host, IAM role ARNs)" },
                { value: EKS.clusterName, meaning: "EKS cluster name" },
                { value: EKS.oidcIssuer, meaning: "the cluster's OIDC issuer (IRSA)" },
                { value: EKS_OIDC_ARN, meaning: "the OIDC provider ARN" },
                { value: EKS.vpcId, meaning: "VPC id" },
                { value: EKS.server, meaning: "API server endpoint" },
            ];
        case "gke":
            return [
                { value: GKE.clusterName, meaning: "GKE cluster name" },
                { value: GKE.endpoint, meaning: "API server endpoint" },
                { value: GKE.caData, meaning: "cluster CA certificate" },
                { value: "iam.gserviceaccount.com", meaning: "service account emails (the project comes from the stack config)" },
            ];
    }
    return [];
}
