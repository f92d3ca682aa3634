import * as pulumi from "@pulumi/pulumi";

/** Every problem of a stack's configuration at once, before any resource is registered (a RunError: no stack trace). */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}
