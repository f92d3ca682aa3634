// How Pulumi's Node runtime loads the program's TypeScript (Pulumi.yaml: `typescript: false` and
// `nodeargs: --require ./scripts/runtime/register-ts.cjs`): esbuild strips the types of each .ts file as
// it is required. The runtime's own path is ts-node, which loads the 9 MB TypeScript compiler and
// transpiles with it: even with type-checking off, start-up took 0.7 s (30%) longer (`npm run bench`
// prints both). Types are checked by `npm test` (tsc, with `isolatedModules`, which refuses what a
// per-file transpiler could get wrong), never at `pulumi up`.
// Plain CommonJS on purpose: it must load before anything that could compile TypeScript.
"use strict";
require("./inspect-guard.cjs");
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { transformSync } = require("esbuild");

const ROOT = path.resolve(__dirname, "..", "..");
const { compilerOptions } = require(path.join(ROOT, "tsconfig.json"));

const OPTIONS = {
    loader: "ts",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcemap: "external",
    // Class-field semantics and strictness follow tsconfig.json, as tsc's output would.
    tsconfigRaw: { compilerOptions },
    // `await import("./local")` (stacks/index.ts) must become a require: Node's ESM resolver would
    // look for a file literally named `local` and never try `local.ts`.
    supported: { "dynamic-import": false },
};

/** Source maps of the transpiled files, so stack traces name .ts lines. */
const sourceMaps = new Map();

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
    const { code, map } = transformSync(fs.readFileSync(filename, "utf8"), { ...OPTIONS, sourcefile: filename });
    sourceMaps.set(filename, map);
    module._compile(code, filename);
};

// @pulumi/pulumi's `cmd/run` installs source-map-support, which formats every stack trace; hand it our
// maps (the same module instance, resolved from @pulumi/pulumi) rather than racing it for the hook.
const sourceMapSupport = require(require.resolve("source-map-support", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
sourceMapSupport.install({
    environment: "node",
    handleUncaughtExceptions: false,
    retrieveSourceMap: (source) => (sourceMaps.has(source) ? { url: source, map: sourceMaps.get(source) } : null),
});
