import { type RunOptions, stackConfig } from "./harness";

const PROJECT_ID = (JSON.parse(stackConfig("gke")["ticketbuster:gke"]) as { project: string }).project;

/** What GCP would compute for a few resources. */
export const CLUSTER_NAME = "ticketbuster-gke-5e1f2a7";
export const ENDPOINT = "34.118.10.20";
export const CA_DATA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIC-test-ca\n-----END CERTIFICATE-----\n").toString("base64");
export const cloudState: RunOptions["state"] = ({ type, name, inputs }) => {
    switch (type) {
        case "gcp:container/cluster:Cluster":
            return { name: CLUSTER_NAME, endpoint: ENDPOINT, masterAuth: { clusterCaCertificate: CA_DATA } };
        case "gcp:serviceaccount/account:Account":
            return { email: `${inputs.accountId}@${PROJECT_ID}.iam.gserviceaccount.com` };
        case "gcp:compute/router:Router":
            return { name: `${name}-a1b2c3d` };
    }
    return undefined;
};
