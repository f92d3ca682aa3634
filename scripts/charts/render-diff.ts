/**
 * Two renders of the same chart with the same values must be equal: helm.v4.Chart renders on every
 * `pulumi up`, so whatever differs (a certificate from genCA, a password from randAlphaNum) is a diff
 * on every run. Pure: two lists of objects in, the differing objects and fields out.
 */
import { K8sObject, objectId } from "./references";

export interface RenderDifference {
    /** `Kind/namespace/name` (`Kind/name` when cluster-scoped). */
    object: string;
    /** `Kind/name`, how versions.ts names an object of the release. */
    kindName: string;
    /** Field paths that differ (`data["tls.crt"]`, `webhooks[0].clientConfig.caBundle`), or why the object differs as a whole. */
    paths: string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const join = (path: string, key: string | number) =>
    typeof key === "number" ? `${path}[${key}]` : IDENT.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/** Leaf paths where a and b differ. */
export function differingPaths(a: unknown, b: unknown, path = ""): string[] {
    if (Array.isArray(a) && Array.isArray(b)) {
        const out: string[] = [];
        for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...differingPaths(a[i], b[i], join(path, i)));
        return out;
    }
    if (isMap(a) && isMap(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => differingPaths(a[k], b[k], join(path, k)));
    }
    return a === b ? [] : [path || "(the whole value)"];
}

function byId(objects: K8sObject[], defaultNamespace: string): Map<string, K8sObject> {
    const out = new Map<string, K8sObject>();
    for (const o of objects) out.set(`${o.apiVersion ?? ""} ${objectId(o, defaultNamespace)}`, o);
    return out;
}

/** The objects whose two renders differ (objects in one render only count too). */
export function diffRenders(first: K8sObject[], second: K8sObject[], defaultNamespace: string): RenderDifference[] {
    const a = byId(first, defaultNamespace);
    const b = byId(second, defaultNamespace);
    const out: RenderDifference[] = [];
    for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
        const object = id.slice(id.indexOf(" ") + 1);
        const x = a.get(id);
        const y = b.get(id);
        const some = (x ?? y)!;
        const kindName = `${some.kind}/${some.metadata?.name}`;
        if (!x || !y) out.push({ object, kindName, paths: [x ? "(only in the first render)" : "(only in the second render)"] });
        else {
            const paths = differingPaths(x, y);
            if (paths.length > 0) out.push({ object, kindName, paths });
        }
    }
    return out;
}
