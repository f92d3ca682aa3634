import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as pulumi from "@pulumi/pulumi";
import type { GkeContext } from "./context";

/** The Artifact Registry repository of the app images; returns its URL (<region>-docker.pkg.dev/<project>/<id>). */
export function registry(x: GkeContext): pulumi.Output<string> {
    const { c, project, stack, onGcp } = x;
    const repository = new artifactregistry.Repository(
        `${project}-images`,
        {
            repositoryId: c.repository,
            location: c.region,
            format: "DOCKER",
            description: `App images of ${project}/${stack}`,
            // imageTag is pinned (never latest); a pushed tag must not move underneath a running Deployment.
            dockerConfig: { immutableTags: true },
        },
        onGcp,
    );
    return pulumi.interpolate`${c.region}-docker.pkg.dev/${c.project}/${repository.repositoryId}`;
}
