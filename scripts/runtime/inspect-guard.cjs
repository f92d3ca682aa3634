// Preloaded with the program (register-ts.cjs requires it first). @pulumi/pulumi's run script prints an
// uncaught error with util.inspect(err, { colors: true }), and its source maps place its own frames at
// node_modules/@pulumi/<file>.ts (resource.ts, config.ts: nearly every failing program has one). On
// Node.js 20.19+/22 that input sends inspect's node_modules highlighting into a loop that only ends when
// the string exceeds V8's maximum length, 20-40 s of CPU later, after which the error is printed without
// colours (nodejs/node#64011, fixed upstream by nodejs/node#64022). A bad stack config took ~25 s to end
// here instead of ~2 s. For such stacks the guard goes straight to the uncoloured output.
"use strict";
const util = require("util");

// A line whose last node_modules segment has no separator after the (scoped) package name.
const LOOPS = /[\\/]node_modules[\\/](?:@[^\\/\n]*[\\/])?[^\\/\n]*$/m;

util.inspect = new Proxy(util.inspect, {
    apply(inspect, self, args) {
        const [value, opts] = args;
        if (value instanceof Error && typeof value.stack === "string" && LOOPS.test(value.stack)) {
            if (opts !== null && typeof opts === "object") args[1] = { ...opts, colors: false };
            else if (args.length >= 4) args[3] = false;
        }
        return Reflect.apply(inspect, self, args);
    },
});
