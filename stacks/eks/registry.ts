import * as aws from "@pulumi/aws";
import type { EksContext } from "./context";

/** One immutable, scanned ECR repository per app image, keeping the newest ecrKeepImages images. */
export function registry(x: EksContext, images: string[]): Record<string, aws.ecr.Repository> {
    const { c, project, stack, onAws } = x;
    return Object.fromEntries(
        images.map((image) => {
            const repository = new aws.ecr.Repository(
                `${project}-${image}`,
                {
                    name: `${project}-${stack.toLowerCase()}/${image}`,
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    forceDelete: c.forceDeleteRepositories,
                },
                onAws,
            );
            new aws.ecr.LifecyclePolicy(`${project}-${image}`, { repository: repository.name, policy: JSON.stringify(keepLastImages(c.ecrKeepImages)) }, onAws);
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
