// The Pulumi entry point. The runtime loads it as CommonJS and calls an exported function (a
// `default` export would not be unwrapped), so the program itself lives in program.ts.
import { main } from "./program";

export = main;
