import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** The platform's policy for every app's repositories (eks.ecrKeepImages, eks.forceDeleteRepositories). */
export interface RepositoryPolicy {
    keepImages: number;
    forceDelete: boolean;
}

/** One immutable, scanned ECR repository per app image of this stack, keeping the newest keepImages images. */
export function registry(
    owner: { project: string; stack: string; onAws: pulumi.CustomResourceOptions },
    policy: RepositoryPolicy,
    images: string[],
): Record<string, aws.ecr.Repository> {
    const { project, stack, onAws } = owner;
    return Object.fromEntries(
        images.map((image) => {
            const repository = new aws.ecr.Repository(
                `${project}-${image}`,
                {
                    name: `${project}-${stack.toLowerCase()}/${image}`,
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    forceDelete: policy.forceDelete,
                },
                onAws,
            );
            new aws.ecr.LifecyclePolicy(`${project}-${image}`, { repository: repository.name, policy: JSON.stringify(keepLastImages(policy.keepImages)) }, onAws);
            return [image, repository];
        }),
    );
}

function keepLastImages(count: number) {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Keep the last ${count} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: count },
                action: { type: "expire" },
            },
        ],
    };
}
