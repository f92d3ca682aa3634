import { describe, expect, it } from "vitest";
import { ContainerLike, enforcedLevel, PodLike, podSecurityViolations, PodSpecLike } from "../scripts/charts/pod-security";

/** A pod the restricted level admits: every later case changes one thing. */
const restrictedContainer = (name: string): ContainerLike => ({
    name,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
});
const restrictedPod = (over: Partial<PodSpecLike> = {}, annotations?: Record<string, string>): PodLike => ({
    metadata: annotations ? { annotations } : {},
    spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [restrictedContainer("app")],
        volumes: [{ name: "data", emptyDir: {} }],
        ...over,
    },
});
const withContainer = (sc: ContainerLike["securityContext"], extra: Partial<ContainerLike> = {}): PodLike =>
    restrictedPod({ containers: [{ ...restrictedContainer("app"), ...extra, securityContext: { ...restrictedContainer("app").securityContext, ...sc } }] });

const checksOf = (pod: PodLike, level: "baseline" | "restricted") => podSecurityViolations(pod, level).map((v) => v.check);

describe("Pod Security Standards v1.33", () => {
    it("admits a restricted pod at every level, and anything at privileged", () => {
        expect(podSecurityViolations(restrictedPod(), "restricted")).toEqual([]);
        expect(podSecurityViolations(restrictedPod(), "baseline")).toEqual([]);
        expect(podSecurityViolations({ spec: { hostNetwork: true, containers: [{ name: "x", securityContext: { privileged: true } }] } }, "privileged")).toEqual([]);
    });

    it("admits a minimally specified pod at baseline and names every restricted control it misses", () => {
        const bare: PodLike = { spec: { containers: [{ name: "app" }] } };
        expect(podSecurityViolations(bare, "baseline")).toEqual([]);
        expect(podSecurityViolations(bare, "restricted")).toEqual([
            {
                check: "allowPrivilegeEscalation",
                level: "restricted",
                reason: "allowPrivilegeEscalation != false",
                detail: 'container "app" must set securityContext.allowPrivilegeEscalation=false',
            },
            { check: "runAsNonRoot", level: "restricted", reason: "runAsNonRoot != true", detail: 'pod or container "app" must set securityContext.runAsNonRoot=true' },
            {
                check: "seccompProfile_restricted",
                level: "restricted",
                reason: "seccompProfile",
                detail: 'pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
            },
            {
                check: "capabilities_restricted",
                level: "restricted",
                reason: "unrestricted capabilities",
                detail: 'container "app" must set securityContext.capabilities.drop=["ALL"]',
            },
        ]);
    });

    describe("baseline controls (refused at baseline and restricted)", () => {
        const cases: Array<[string, PodLike, string]> = [
            ["hostNetwork", restrictedPod({ hostNetwork: true }), "hostNamespaces"],
            ["hostPID", restrictedPod({ hostPID: true }), "hostNamespaces"],
            ["hostIPC", restrictedPod({ hostIPC: true }), "hostNamespaces"],
            ["a privileged container", withContainer({ privileged: true }), "privileged"],
            ["a privileged init container", restrictedPod({ initContainers: [{ name: "init", securityContext: { ...restrictedContainer("i").securityContext, privileged: true } }] }), "privileged"],
            ["a hostPath volume", restrictedPod({ volumes: [{ name: "root", hostPath: { path: "/" } }] }), "hostPathVolumes"],
            ["a hostPort", withContainer({}, { ports: [{ hostPort: 8080 }] }), "hostPorts"],
            ["a pod-level Windows hostProcess", restrictedPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, windowsOptions: { hostProcess: true } } }), "windowsHostProcess"],
            ["an Unconfined AppArmor profile", withContainer({ appArmorProfile: { type: "Unconfined" } }), "appArmorProfile"],
            ["an unconfined AppArmor annotation", restrictedPod({}, { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" }), "appArmorProfile"],
            ["an SELinux user", withContainer({ seLinuxOptions: { user: "system_u" } }), "seLinuxOptions"],
            ["an SELinux type outside the container types", withContainer({ seLinuxOptions: { type: "spc_t" } }), "seLinuxOptions"],
            ["procMount Unmasked", withContainer({ procMount: "Unmasked" }), "procMount"],
            ["an unsafe sysctl", restrictedPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, sysctls: [{ name: "kernel.msgmax" }] } }), "sysctls"],
        ];
        for (const [what, pod, check] of cases) {
            it(`refuses ${what}`, () => {
                expect(checksOf(pod, "baseline")).toEqual([check]);
                expect(checksOf(pod, "restricted")).toContain(check);
            });
        }

        it("refuses capabilities beyond the default set at baseline (NET_RAW, SYS_ADMIN), not the default ones", () => {
            expect(podSecurityViolations(withContainer({ capabilities: { add: ["NET_RAW", "SYS_ADMIN"] } }), "baseline")).toEqual([
                {
                    check: "capabilities_baseline",
                    level: "baseline",
                    reason: "non-default capabilities",
                    detail: 'container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
                },
            ]);
            expect(checksOf({ spec: { containers: [{ name: "a", securityContext: { capabilities: { add: ["CHOWN", "NET_BIND_SERVICE"] } } }] } }, "baseline")).toEqual([]);
        });

        it("refuses a seccomp profile of Unconfined at baseline; leaves an unset one alone", () => {
            expect(checksOf(withContainer({ seccompProfile: { type: "Unconfined" } }), "baseline")).toEqual(["seccompProfile_baseline"]);
            expect(checksOf({ spec: { containers: [{ name: "a" }] } }, "baseline")).toEqual([]);
        });

        it("allows the v1.33 safe sysctls, the SELinux container types and Localhost profiles", () => {
            const sc = { runAsNonRoot: true, seccompProfile: { type: "Localhost" }, sysctls: [{ name: "net.ipv4.tcp_rmem" }, { name: "net.ipv4.ip_unprivileged_port_start" }], seLinuxOptions: { type: "container_engine_t", level: "s0:c1" } };
            expect(podSecurityViolations(restrictedPod({ securityContext: sc }), "restricted")).toEqual([]);
            expect(podSecurityViolations(withContainer({ appArmorProfile: { type: "Localhost" } }), "restricted")).toEqual([]);
        });

        it("words a hostPort refusal as the admission controller does", () => {
            expect(podSecurityViolations(withContainer({}, { ports: [{ hostPort: 9100 }, { hostPort: 0 }] }), "baseline")).toEqual([
                { check: "hostPorts", level: "baseline", reason: "hostPort", detail: 'container "app" uses hostPort 9100' },
            ]);
        });
    });

    describe("restricted controls (admitted at baseline)", () => {
        const cases: Array<[string, PodLike, string]> = [
            ["an NFS volume", restrictedPod({ volumes: [{ name: "share", nfs: { server: "nfs", path: "/" } }] }), "restrictedVolumes"],
            ["allowPrivilegeEscalation unset", withContainer({ allowPrivilegeEscalation: undefined }), "allowPrivilegeEscalation"],
            ["runAsNonRoot false on a container", withContainer({ runAsNonRoot: false }), "runAsNonRoot"],
            ["runAsUser 0", withContainer({ runAsUser: 0 }), "runAsUser"],
            ["a capability other than NET_BIND_SERVICE", withContainer({ capabilities: { drop: ["ALL"], add: ["CHOWN"] } }), "capabilities_restricted"],
            ["capabilities that do not drop ALL", withContainer({ capabilities: { drop: ["NET_RAW"] } }), "capabilities_restricted"],
        ];
        for (const [what, pod, check] of cases) {
            it(`refuses ${what}`, () => {
                expect(checksOf(pod, "restricted")).toEqual([check]);
                expect(checksOf(pod, "baseline")).toEqual([]);
            });
        }

        it("takes the pod-level runAsNonRoot and seccomp profile for containers that set none, and a container's over an unset pod", () => {
            const podLevelOnly = restrictedPod();
            expect(podSecurityViolations(podLevelOnly, "restricted")).toEqual([]);
            const containerLevelOnly: PodLike = {
                spec: { containers: [{ name: "a", securityContext: { ...restrictedContainer("a").securityContext, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }] },
            };
            expect(podSecurityViolations(containerLevelOnly, "restricted")).toEqual([]);
        });

        it("allows NET_BIND_SERVICE and every volume type the restricted level lists", () => {
            const volumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"].map((t) => ({ name: t.toLowerCase(), [t]: {} }));
            expect(podSecurityViolations(restrictedPod({ volumes }), "restricted")).toEqual([]);
            expect(podSecurityViolations(withContainer({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } }), "restricted")).toEqual([]);
        });

        it("checks init and ephemeral containers as well", () => {
            const pod = restrictedPod({ initContainers: [{ name: "init" }], ephemeralContainers: [{ name: "debug" }] });
            const v = podSecurityViolations(pod, "restricted").find((x) => x.check === "allowPrivilegeEscalation");
            expect(v?.detail).toBe('containers "init", "debug" must set securityContext.allowPrivilegeEscalation=false');
        });

        it("exempts Windows pods from the Linux-only restricted controls", () => {
            const pod: PodLike = { spec: { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [{ name: "w" }] } };
            expect(podSecurityViolations(pod, "restricted")).toEqual([]);
        });

        it("replaces the baseline seccomp and capability checks rather than reporting both", () => {
            const pod = withContainer({ seccompProfile: { type: "Unconfined" }, capabilities: { add: ["SYS_ADMIN"] } });
            expect(checksOf(pod, "restricted")).toEqual(["seccompProfile_restricted", "capabilities_restricted"]);
        });
    });

    it("reads the enforced level from namespace labels: none is privileged, an unknown value fails closed", () => {
        expect(enforcedLevel(undefined)).toBe("privileged");
        expect(enforcedLevel({ "kubernetes.io/metadata.name": "x" })).toBe("privileged");
        expect(enforcedLevel({ "pod-security.kubernetes.io/enforce": "baseline" })).toBe("baseline");
        expect(enforcedLevel({ "pod-security.kubernetes.io/enforce": "restricted" })).toBe("restricted");
        expect(enforcedLevel({ "pod-security.kubernetes.io/enforce": "strict" })).toBe("restricted");
    });
});
