/**
 * The Pod Security Standards, Kubernetes v1.33 (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * as the PodSecurity admission controller enforces them: the checks and their v1.33 variants follow
 * k8s.io/pod-security-admission v0.33 (policy/check_*.go), messages included. Pure: a pod in, the
 * refusals out. Not modelled: the UserNamespacesPodSecurityStandards relaxation (an opt-in feature gate).
 */

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

/** The pod fields the checks read (a subset of core/v1 PodSpec, loosely typed: it comes from rendered YAML). */
export interface PodLike {
    metadata?: { annotations?: Record<string, string> | null } | null;
    spec: PodSpecLike;
}
export interface PodSpecLike {
    hostNetwork?: boolean | null;
    hostPID?: boolean | null;
    hostIPC?: boolean | null;
    os?: { name?: string } | null;
    securityContext?: SecurityContextLike | null;
    volumes?: Array<Record<string, unknown> & { name: string }> | null;
    initContainers?: ContainerLike[] | null;
    containers?: ContainerLike[] | null;
    ephemeralContainers?: ContainerLike[] | null;
}
export interface ContainerLike {
    name: string;
    ports?: Array<{ hostPort?: number | null }> | null;
    securityContext?: SecurityContextLike | null;
}
export interface SecurityContextLike {
    privileged?: boolean | null;
    allowPrivilegeEscalation?: boolean | null;
    runAsNonRoot?: boolean | null;
    runAsUser?: number | null;
    capabilities?: { add?: string[] | null; drop?: string[] | null } | null;
    seccompProfile?: { type?: string } | null;
    appArmorProfile?: { type?: string } | null;
    seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string } | null;
    windowsOptions?: { hostProcess?: boolean | null } | null;
    procMount?: string | null;
    sysctls?: Array<{ name: string; value?: string }> | null;
}

/** One refused control, worded as the admission controller words it. */
export interface PodSecurityViolation {
    check: string;
    level: "baseline" | "restricted";
    reason: string;
    detail: string;
}

interface Check {
    id: string;
    level: "baseline" | "restricted";
    /** Checks of a lower level that this one replaces (restricted seccomp and capabilities). */
    overrides?: string[];
    run(pod: PodLike): { reason: string; detail: string } | undefined;
}

const quote = (items: Iterable<string>) => {
    const list = [...items];
    return list.length === 0 ? "" : `"${list.join('", "')}"`;
};
const plural = (singular: string, pluralForm: string, n: number) => (n === 1 ? singular : pluralForm);
const sorted = (s: Set<string>) => [...s].sort();
/** init containers, containers, ephemeral containers: the admission controller's visiting order. */
const containersOf = (spec: PodSpecLike): ContainerLike[] => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
const isWindows = (spec: PodSpecLike) => spec.os?.name === "windows";
/** "pod and containers "a", "b"" from who set a bad value. */
function setters(pod: boolean, containers: string[]): string[] {
    const out = pod ? ["pod"] : [];
    if (containers.length > 0) out.push(`${plural("container", "containers", containers.length)} ${quote(containers)}`);
    return out;
}

const BASELINE_CAPABILITIES = new Set([
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
]);
/** v1.32+ (unchanged in v1.33). */
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
]);
/** v1.31+: container_engine_t joined the allowed SELinux types. */
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
/** Inline volume sources the restricted level allows (everything else, hostPath included, is refused). */
const RESTRICTED_VOLUME_SOURCES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"]);
const VALID_SECCOMP = new Set(["RuntimeDefault", "Localhost"]);
const VALID_APPARMOR = new Set(["RuntimeDefault", "Localhost"]);
const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

const CHECKS: Check[] = [
    {
        id: "windowsHostProcess",
        level: "baseline",
        run({ spec }) {
            const bad = containersOf(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
            const who = setters(spec.securityContext?.windowsOptions?.hostProcess === true, bad);
            if (who.length === 0) return undefined;
            return { reason: "hostProcess", detail: `${who.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` };
        },
    },
    {
        id: "hostNamespaces",
        level: "baseline",
        run({ spec }) {
            const bad = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((f) => spec[f] === true).map((f) => `${f}=true`);
            if (bad.length === 0) return undefined;
            return { reason: "host namespaces", detail: bad.join(", ") };
        },
    },
    {
        id: "privileged",
        level: "baseline",
        run({ spec }) {
            const bad = containersOf(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
            if (bad.length === 0) return undefined;
            return { reason: "privileged", detail: `${plural("container", "containers", bad.length)} ${quote(bad)} must not set securityContext.privileged=true` };
        },
    },
    {
        id: "capabilities_baseline",
        level: "baseline",
        run({ spec }) {
            const bad: string[] = [];
            const caps = new Set<string>();
            for (const c of containersOf(spec)) {
                const added = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
                if (added.length === 0) continue;
                bad.push(c.name);
                added.forEach((cap) => caps.add(cap));
            }
            if (bad.length === 0) return undefined;
            return {
                reason: "non-default capabilities",
                detail: `${plural("container", "containers", bad.length)} ${quote(bad)} must not include ${quote(sorted(caps))} in securityContext.capabilities.add`,
            };
        },
    },
    {
        id: "hostPathVolumes",
        level: "baseline",
        run({ spec }) {
            const bad = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => v.name);
            if (bad.length === 0) return undefined;
            return { reason: "hostPath volumes", detail: `${plural("volume", "volumes", bad.length)} ${quote(bad)}` };
        },
    },
    {
        id: "hostPorts",
        level: "baseline",
        run({ spec }) {
            const bad: string[] = [];
            const ports = new Set<string>();
            for (const c of containersOf(spec)) {
                const used = (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => String(p.hostPort));
                if (used.length === 0) continue;
                bad.push(c.name);
                used.forEach((p) => ports.add(p));
            }
            if (bad.length === 0) return undefined;
            return {
                reason: "hostPort",
                detail: `${plural("container", "containers", bad.length)} ${quote(bad)} ${plural("uses", "use", bad.length)} ${plural("hostPort", "hostPorts", ports.size)} ${sorted(ports).join(", ")}`,
            };
        },
    },
    {
        id: "appArmorProfile",
        level: "baseline",
        run({ metadata, spec }) {
            const values = new Set<string>();
            const podType = spec.securityContext?.appArmorProfile?.type;
            const podBad = spec.securityContext?.appArmorProfile != null && !VALID_APPARMOR.has(podType ?? "");
            if (podBad) values.add(podType ?? "");
            const bad: string[] = [];
            for (const c of containersOf(spec)) {
                const p = c.securityContext?.appArmorProfile;
                if (p != null && !VALID_APPARMOR.has(p.type ?? "")) {
                    bad.push(c.name);
                    values.add(p.type ?? "");
                }
            }
            const who = setters(podBad, bad);
            const list = sorted(values);
            const annotations = Object.entries(metadata?.annotations ?? {})
                .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(v === "" || v === "runtime/default" || v.startsWith("localhost/")))
                .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                .sort();
            if (annotations.length > 0) {
                list.push(...annotations);
                who.push(plural("annotation", "annotations", annotations.length));
            }
            if (who.length === 0) return undefined;
            return {
                reason: plural("forbidden AppArmor profile", "forbidden AppArmor profiles", list.length),
                detail: `${who.join(" and ")} must not set AppArmor profile type to ${quote(list)}`,
            };
        },
    },
    {
        id: "seLinuxOptions",
        level: "baseline",
        run({ spec }) {
            const types = new Set<string>();
            let user = false;
            let role = false;
            const valid = (o: NonNullable<SecurityContextLike["seLinuxOptions"]>) => {
                let ok = true;
                if (!SELINUX_TYPES.has(o.type ?? "")) {
                    ok = false;
                    types.add(o.type ?? "");
                }
                if (o.user) ((ok = false), (user = true));
                if (o.role) ((ok = false), (role = true));
                return ok;
            };
            const podOpts = spec.securityContext?.seLinuxOptions;
            const podBad = podOpts != null && !valid(podOpts);
            const bad = containersOf(spec)
                .filter((c) => c.securityContext?.seLinuxOptions != null && !valid(c.securityContext.seLinuxOptions))
                .map((c) => c.name);
            const who = setters(podBad, bad);
            if (who.length === 0) return undefined;
            const what: string[] = [];
            if (types.size > 0) what.push(`${plural("type", "types", types.size)} ${quote(sorted(types))}`);
            if (user) what.push("user may not be set");
            if (role) what.push("role may not be set");
            return { reason: "seLinuxOptions", detail: `${who.join(" and ")} set forbidden securityContext.seLinuxOptions: ${what.join("; ")}` };
        },
    },
    {
        id: "procMount",
        level: "baseline",
        run({ spec }) {
            const bad: string[] = [];
            const kinds = new Set<string>();
            for (const c of containersOf(spec)) {
                const p = c.securityContext?.procMount;
                if (p != null && p !== "Default") {
                    bad.push(c.name);
                    kinds.add(p);
                }
            }
            if (bad.length === 0) return undefined;
            return {
                reason: "procMount",
                detail: `${plural("container", "containers", bad.length)} ${quote(bad)} must not set securityContext.procMount to ${quote(sorted(kinds))}`,
            };
        },
    },
    {
        id: "seccompProfile_baseline",
        level: "baseline",
        run({ spec }) {
            const values = new Set<string>();
            const podProfile = spec.securityContext?.seccompProfile;
            const podBad = podProfile != null && !VALID_SECCOMP.has(podProfile.type ?? "");
            if (podBad) values.add(podProfile?.type ?? "");
            const bad: string[] = [];
            for (const c of containersOf(spec)) {
                const p = c.securityContext?.seccompProfile;
                if (p != null && !VALID_SECCOMP.has(p.type ?? "")) {
                    bad.push(c.name);
                    values.add(p.type ?? "");
                }
            }
            const who = setters(podBad, bad);
            if (who.length === 0) return undefined;
            return { reason: "seccompProfile", detail: `${who.join(" and ")} must not set securityContext.seccompProfile.type to ${quote(sorted(values))}` };
        },
    },
    {
        id: "sysctls",
        level: "baseline",
        run({ spec }) {
            const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !SAFE_SYSCTLS.has(n));
            if (bad.length === 0) return undefined;
            return { reason: "forbidden sysctls", detail: bad.join(", ") };
        },
    },
    {
        id: "restrictedVolumes",
        level: "restricted",
        run({ spec }) {
            const bad: string[] = [];
            const kinds = new Set<string>();
            for (const v of spec.volumes ?? []) {
                const sources = Object.keys(v).filter((k) => k !== "name" && v[k] != null);
                if (sources.some((s) => RESTRICTED_VOLUME_SOURCES.has(s))) continue;
                bad.push(v.name);
                if (sources.length > 0) kinds.add(sources[0]);
            }
            if (bad.length === 0) return undefined;
            return {
                reason: "restricted volume types",
                detail: `${plural("volume", "volumes", bad.length)} ${quote(bad)} ${plural("uses", "use", bad.length)} restricted ${plural("volume type", "volume types", kinds.size)} ${quote(sorted(kinds))}`,
            };
        },
    },
    {
        id: "allowPrivilegeEscalation",
        level: "restricted",
        run({ spec }) {
            if (isWindows(spec)) return undefined;
            const bad = containersOf(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
            if (bad.length === 0) return undefined;
            return {
                reason: "allowPrivilegeEscalation != false",
                detail: `${plural("container", "containers", bad.length)} ${quote(bad)} must set securityContext.allowPrivilegeEscalation=false`,
            };
        },
    },
    {
        id: "runAsNonRoot",
        level: "restricted",
        run({ spec }) {
            const podValue = spec.securityContext?.runAsNonRoot;
            const explicit: string[] = [];
            const implicit: string[] = [];
            for (const c of containersOf(spec)) {
                const v = c.securityContext?.runAsNonRoot;
                if (v != null) {
                    if (!v) explicit.push(c.name);
                } else if (podValue !== true) implicit.push(c.name);
            }
            const who = setters(podValue === false, explicit);
            if (who.length > 0) return { reason: "runAsNonRoot != true", detail: `${who.join(" and ")} must not set securityContext.runAsNonRoot=false` };
            if (implicit.length > 0) {
                return {
                    reason: "runAsNonRoot != true",
                    detail: `pod or ${plural("container", "containers", implicit.length)} ${quote(implicit)} must set securityContext.runAsNonRoot=true`,
                };
            }
            return undefined;
        },
    },
    {
        id: "runAsUser",
        level: "restricted",
        run({ spec }) {
            const bad = containersOf(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
            const who = setters(spec.securityContext?.runAsUser === 0, bad);
            if (who.length === 0) return undefined;
            return { reason: "runAsUser=0", detail: `${who.join(" and ")} must not set runAsUser=0` };
        },
    },
    {
        id: "seccompProfile_restricted",
        level: "restricted",
        overrides: ["seccompProfile_baseline"],
        run({ spec }) {
            if (isWindows(spec)) return undefined;
            const values = new Set<string>();
            const podProfile = spec.securityContext?.seccompProfile;
            const podBad = podProfile != null && !VALID_SECCOMP.has(podProfile.type ?? "");
            const podSet = podProfile != null && !podBad;
            if (podBad) values.add(podProfile?.type ?? "");
            const explicit: string[] = [];
            const implicit: string[] = [];
            for (const c of containersOf(spec)) {
                const p = c.securityContext?.seccompProfile;
                if (p != null) {
                    if (!VALID_SECCOMP.has(p.type ?? "")) {
                        explicit.push(c.name);
                        values.add(p.type ?? "");
                    }
                } else if (!podSet) implicit.push(c.name);
            }
            const who = setters(podBad, explicit);
            if (who.length > 0) {
                return { reason: "seccompProfile", detail: `${who.join(" and ")} must not set securityContext.seccompProfile.type to ${quote(sorted(values))}` };
            }
            if (implicit.length > 0) {
                return {
                    reason: "seccompProfile",
                    detail: `pod or ${plural("container", "containers", implicit.length)} ${quote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
                };
            }
            return undefined;
        },
    },
    {
        id: "capabilities_restricted",
        level: "restricted",
        overrides: ["capabilities_baseline"],
        run({ spec }) {
            if (isWindows(spec)) return undefined;
            const missingDrop: string[] = [];
            const adding: string[] = [];
            const caps = new Set<string>();
            for (const c of containersOf(spec)) {
                const k = c.securityContext?.capabilities;
                if (k == null) {
                    missingDrop.push(c.name);
                    continue;
                }
                if (!(k.drop ?? []).includes("ALL")) missingDrop.push(c.name);
                const bad = (k.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
                if (bad.length > 0) {
                    adding.push(c.name);
                    bad.forEach((cap) => caps.add(cap));
                }
            }
            const details: string[] = [];
            if (missingDrop.length > 0) {
                details.push(`${plural("container", "containers", missingDrop.length)} ${quote(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
            }
            if (adding.length > 0) {
                details.push(
                    `${plural("container", "containers", adding.length)} ${quote(adding)} must not include ${quote(sorted(caps))} in securityContext.capabilities.add`,
                );
            }
            if (details.length === 0) return undefined;
            return { reason: "unrestricted capabilities", detail: details.join("; ") };
        },
    },
];

/** The checks a level runs: its own and every lower level's, minus those a higher-level check replaces. */
function checksOf(level: PodSecurityLevel): Check[] {
    if (level === "privileged") return [];
    const active = CHECKS.filter((c) => c.level === "baseline" || level === "restricted");
    const replaced = new Set(active.flatMap((c) => c.overrides ?? []));
    return active.filter((c) => !replaced.has(c.id));
}

/** What the level refuses in this pod (empty: admitted). */
export function podSecurityViolations(pod: PodLike, level: PodSecurityLevel): PodSecurityViolation[] {
    const out: PodSecurityViolation[] = [];
    for (const check of checksOf(level)) {
        const refused = check.run(pod);
        if (refused) out.push({ check: check.id, level: check.level, ...refused });
    }
    return out;
}

/**
 * The level a namespace enforces from its labels: no label is "privileged" (the admission controller's
 * default without an AdmissionConfiguration); a value it cannot parse is "restricted" (it fails closed).
 */
export function enforcedLevel(labels: Record<string, string> | undefined | null): PodSecurityLevel {
    const v = labels?.["pod-security.kubernetes.io/enforce"];
    if (v === undefined) return "privileged";
    return (POD_SECURITY_LEVELS as readonly string[]).includes(v) ? (v as PodSecurityLevel) : "restricted";
}
