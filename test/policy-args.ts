/** Calls CrossGuard policies' validate functions directly, as the policy engine would. */
import type { PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { plain, Registered } from "./harness";

export interface ResourceUnderTest {
    type: string;
    name?: string;
    props: Record<string, unknown>;
    opts?: Partial<PolicyResourceOptions>;
    config?: Record<string, unknown>;
}

export function validationArgs(r: ResourceUnderTest, stack = "test"): ResourceValidationArgs {
    const name = r.name ?? "r";
    return {
        type: r.type,
        name,
        urn: `urn:pulumi:${stack}::ticketbuster::${r.type}::${name}`,
        props: r.props,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], ...r.opts },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({ ...r.config }) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
}

/** The violations a policy reports for one resource. */
export async function violations(policy: ResourceValidationPolicy, r: ResourceUnderTest | ResourceValidationArgs): Promise<string[]> {
    const args = "urn" in r ? r : validationArgs(r);
    const found: string[] = [];
    const validators = [policy.validateResource ?? []].flat();
    for (const validate of validators) await validate(args, (message) => found.push(message));
    return found;
}

/** A resource recorded by the test harness, as the policy engine would present it. */
export function fromRegistered(r: Registered, stack: string, config: Record<string, unknown>): ResourceValidationArgs {
    return validationArgs(
        { type: r.type, name: r.name, props: plain(r.inputs), opts: { protect: r.protect, additionalSecretOutputs: r.additionalSecretOutputs }, config },
        stack,
    );
}
