// CrossGuard entry point: `pulumi preview --policy-pack policy`. The policies live in policies/ so that
// tests can import them without starting the pack's gRPC server (the PolicyPack constructor does).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("ticketbuster", { enforcementLevel: "mandatory", policies });
