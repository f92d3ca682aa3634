import type { ResourceValidationPolicy } from "@pulumi/policy";
import { protectedDataVolumes } from "./data-volumes";
import { eksNodes } from "./eks";
import { gkeWorkloadIdentityShieldedNodes } from "./gke";
import { noHostAccess } from "./host-access";
import { pinnedImages } from "./images";
import { containerResources } from "./resources";
import { routesTls } from "./routes-tls";
import { noPlaintextSecretData } from "./secrets";
import { restrictedSecurityContext } from "./security-context";
import { noServiceAccountToken } from "./service-account-token";

export const policies: ResourceValidationPolicy[] = [
    pinnedImages,
    containerResources,
    restrictedSecurityContext,
    noHostAccess,
    noServiceAccountToken,
    noPlaintextSecretData,
    protectedDataVolumes,
    eksNodes,
    gkeWorkloadIdentityShieldedNodes,
    routesTls,
];
