/**
 * What a stack's state means, for "the state did not change" checks: the engine rewrites the
 * checkpoint on every operation (fresh nonces for each secret's ciphertext, timestamps), so its
 * bytes differ even when nothing changed.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Per resource: identity, inputs, outputs and the options that change what the engine does. */
const MEANINGFUL = [
    "urn", "type", "custom", "id", "parent", "provider", "inputs", "outputs", "dependencies",
    "propertyDependencies", "protect", "retainOnDelete", "deletedWith", "delete", "pendingReplacement", "external",
] as const;

/** Every secret's ciphertext replaced by a marker (a decrypted export has `plaintext` instead and keeps it). */
export function maskCiphertext(value: Json): Json {
    if (Array.isArray(value)) return value.map(maskCiphertext);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "ciphertext" ? "<ciphertext>" : maskCiphertext(v)]));
    }
    return value;
}

/**
 * The meaning of a `pulumi stack export` (the `deployment` object): resources with their inputs and
 * outputs (ciphertext masked) and the pending operations; not timestamps, versions or the secrets
 * provider's state.
 */
export function stateMeaning(deployment: Record<string, unknown>): Json {
    const resources = ((deployment.resources ?? []) as Record<string, Json>[]).map((r) =>
        Object.fromEntries(MEANINGFUL.filter((k) => r[k] !== undefined).map((k) => [k, maskCiphertext(r[k])])),
    );
    const pending = ((deployment.pending_operations ?? []) as Json[]).map(maskCiphertext);
    return { resources, pending_operations: pending };
}
