/**
 * API discovery for controllers that act on every resource (the namespace controller and the
 * garbage collector, as client-go's discovery client serves them): the legacy documents /api,
 * /apis and each group-version's APIResourceList, so custom resources appear as they are added.
 * A group-version that fails to answer does not fail the whole discovery: its error is reported
 * beside what did answer (client-go's ErrGroupDiscoveryFailed), so callers can act on the rest.
 */
import type { APIResourceList } from '../api/generated/meta/v1.js';
import type { ResourceDescriptor } from '../client/paths.js';
import type { Transport } from '../client/types.js';

/** One served resource (no subresources). */
export interface DiscoveredResource extends ResourceDescriptor {
  kind: string;
  verbs: readonly string[];
  /** Served in its group's preferred version. */
  preferred: boolean;
}

/** What discovery found, and the group-versions that failed (`apps/v1` → error). */
export interface DiscoveryResult {
  resources: DiscoveredResource[];
  failed: Map<string, Error>;
}

/** How controllers discover resources; injected so unit tests give a fixed list. */
export type DiscoverFn = (signal?: AbortSignal) => Promise<DiscoveryResult>;

interface APIVersions {
  versions?: string[];
}
interface APIGroupList {
  groups?: { name: string; versions?: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[];
}

/** Discovers every resource the server serves through the legacy discovery documents. */
export async function discoverResources(transport: Transport, signal?: AbortSignal): Promise<DiscoveryResult> {
  const failed = new Map<string, Error>();
  const targets: { group: string; version: string; preferred: boolean }[] = [];
  const core = await transport.request<APIVersions>({ method: 'GET', path: '/api', signal });
  (core.versions ?? []).forEach((v, i) => targets.push({ group: '', version: v, preferred: i === 0 }));
  const groups = await transport.request<APIGroupList>({ method: 'GET', path: '/apis', signal });
  for (const g of groups.groups ?? []) {
    const preferred = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    for (const v of g.versions ?? []) targets.push({ group: g.name, version: v.version, preferred: v.version === preferred });
  }
  const lists = await Promise.all(
    targets.map(async (t) => {
      const gv = t.group ? `${t.group}/${t.version}` : t.version;
      try {
        const path = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
        return { t, list: await transport.request<APIResourceList>({ method: 'GET', path, signal }) };
      } catch (e) {
        failed.set(gv, e instanceof Error ? e : new Error(String(e)));
        return undefined;
      }
    }),
  );
  const resources: DiscoveredResource[] = [];
  for (const entry of lists) {
    if (!entry) continue;
    for (const r of entry.list.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources
      resources.push({ group: entry.t.group, version: entry.t.version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [], preferred: entry.t.preferred });
    }
  }
  return { resources, failed };
}

/** True when `r` supports every verb in `verbs`. */
export const supportsVerbs = (r: DiscoveredResource, ...verbs: string[]): boolean => verbs.every((v) => r.verbs.includes(v));

/** The group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ''). */
export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '');

/** The version of an `apiVersion` (`apps/v1` → `v1`). */
export const versionOf = (apiVersion: string): string => apiVersion.slice(apiVersion.indexOf('/') + 1);

/**
 * Maps an ownerReference's apiVersion and kind to a served resource (a REST mapper): the
 * reference's own version when it is served, else the group's preferred one.
 */
export class ResourceMapper {
  readonly #byGvk = new Map<string, DiscoveredResource>();
  readonly #preferredByGk = new Map<string, DiscoveredResource>();

  constructor(resources: readonly DiscoveredResource[]) {
    for (const r of resources) {
      this.#byGvk.set(`${r.group}/${r.version}/${r.kind}`, r);
      if (r.preferred || !this.#preferredByGk.has(`${r.group}/${r.kind}`)) this.#preferredByGk.set(`${r.group}/${r.kind}`, r);
    }
  }

  /** The resource serving `kind` in `apiVersion`'s group, or undefined when none does. */
  map(apiVersion: string, kind: string): DiscoveredResource | undefined {
    const group = groupOf(apiVersion);
    return this.#byGvk.get(`${group}/${versionOf(apiVersion)}/${kind}`) ?? this.#preferredByGk.get(`${group}/${kind}`);
  }
}

/**
 * One entry per group and resource, in its group's preferred version when served there, else the
 * first version serving it (client-go's ServerPreferredResources).
 */
export function preferredResources(all: readonly DiscoveredResource[]): DiscoveredResource[] {
  const out = new Map<string, DiscoveredResource>();
  for (const r of all) {
    const key = `${r.group}/${r.resource}`;
    const cur = out.get(key);
    if (!cur || (r.preferred && !cur.preferred)) out.set(key, r);
  }
  return [...out.values()];
}
