import type { AwsContext } from "./context";
import { registry } from "./registry";

/**
 * An app stack on an EKS platform owns its ECR repositories (`<project>-<stack>/<image>`), made with
 * the platform's policy in the platform's region; destroying the app stack deletes them.
 */
export function appRepositories(x: AwsContext, platform: { keepImages: number; forceDelete: boolean }, images: string[]) {
    const repositories = registry(x, platform, images);
    return {
        imageRepository: (image: string) => {
            const repository = repositories[image];
            if (!repository) throw new Error(`no ECR repository for image "${image}"; known: ${images.join(", ")}`);
            return repository.repositoryUrl;
        },
        outputs: { ecrRepositories: Object.fromEntries(Object.entries(repositories).map(([image, r]) => [image, r.repositoryUrl])) },
    };
}
