// Preloaded (`node --require`) into @pulumi/pulumi's own `cmd/run` by scripts/bench/startup.ts, after
// the runtime's nodeargs: answers registrations with Pulumi mocks instead of an engine, with the same
// cloud placeholders as the tests (test/cloud-mocks.ts), and on exit prints one JSON line with the
// resource count, the time of the last registration (ms since process start) and the peak RSS.
// PROBE_DUMP=<file> also writes every registration (type, name, inputs) there.
"use strict";
const fs = require("fs");
const { performance } = require("perf_hooks");
const pulumi = require("@pulumi/pulumi");

// The placeholders are TypeScript. On the Pulumi.yaml path the program's loader is already preloaded;
// on the other paths it is registered just for them and removed again, so that ts-node alone loads
// the program (it would otherwise wrap our handler and compile esbuild's output a second time).
const preloaded = ".ts" in require.extensions;
if (!preloaded) require("../runtime/register-ts.cjs");
const { cloudStateFor } = require("../../test/cloud-mocks");
if (!preloaded) delete require.extensions[".ts"];

const stack = process.env.BENCH_STACK || "dev";
const config = Object.fromEntries(
    Object.entries(JSON.parse(process.env.PULUMI_CONFIG || "{}")).map(([key, value]) => [key.replace(/^[^:]+:/, ""), value]),
);
const cloudState = cloudStateFor(stack, config);

let resources = 0;
let lastRegistrationMs = 0;
const dump = [];
pulumi.runtime.setMocks(
    {
        newResource(args) {
            resources++;
            lastRegistrationMs = performance.now();
            if (process.env.PROBE_DUMP) dump.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: `${args.name}-id`, state: { ...args.inputs, ...cloudState?.(args) } };
        },
        call() {
            return {};
        },
    },
    process.env.PULUMI_NODEJS_PROJECT || "ticketbuster",
    stack,
    false,
);
// The mock monitor has no shutdown handshake; the runtime calls it when the program is done.
pulumi.runtime.getMonitor().signalAndWaitForShutdown = (_req, cb) => cb(null, {});

process.on("exit", (code) => {
    if (process.env.PROBE_DUMP) fs.writeFileSync(process.env.PROBE_DUMP, JSON.stringify(dump));
    const maxRssKb = process.resourceUsage().maxRSS;
    process.stdout.write(`${JSON.stringify({ code, resources, lastRegistrationMs, maxRssMb: maxRssKb / 1024 })}\n`);
});
