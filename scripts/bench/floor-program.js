// The bench's floor (scripts/bench/startup.ts): Pulumi's runtime, the Kubernetes SDK and one resource.
// No program can start faster than this on the same machine; the difference is the program's own cost.
"use strict";
const k8s = require("@pulumi/kubernetes");

new k8s.core.v1.Namespace("floor", { metadata: { name: "floor" } });
