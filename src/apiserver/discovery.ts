/**
 * API discovery as kubectl and client libraries read it: aggregated discovery (apidiscovery.k8s.io
 * v2 and v2beta1, one call for everything) when asked for, else the legacy documents (/api, /apis,
 * /api/v1, /apis/<g>/<v>). Built from the registry, so custom resources appear as they are added.
 */
import type { Registry, Resource } from './registry.js';
import { groupVersion } from './resources.js';

const kindRef = (r: Resource) => ({ group: r.group, version: r.version, kind: r.kind });

function aggregatedResource(r: Resource) {
  return {
    resource: r.plural,
    responseKind: kindRef(r),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories?.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: s.kind ?? kindRef(r),
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** The aggregated list for /api (legacy: true) or /apis. */
export function aggregatedDiscovery(reg: Registry, legacy: boolean, version: 'v2' | 'v2beta1') {
  const groups = reg.groups().filter((g) => (legacy ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: reg.resourcesIn(g.name, v).map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}

export function legacyVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function legacyGroupList(reg: Registry) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: reg.groups().filter((g) => g.name !== '').map((g) => groupEntry(g.name, g.versions)) };
}

export function legacyGroup(reg: Registry, name: string) {
  const g = reg.groups().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) } : undefined;
}

export function resourceList(reg: Registry, group: string, version: string) {
  const rs = reg.resourcesIn(group, version);
  if (rs.length === 0) return undefined;
  const resources = rs.flatMap((r) => [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
    },
    ...r.subresources.map((s) => ({
      name: `${r.plural}/${s.name}`,
      singularName: '',
      namespaced: r.namespaced,
      ...(s.kind && (s.kind.group !== r.group || s.kind.version !== r.version) ? { group: s.kind.group, version: s.kind.version } : {}),
      kind: s.kind?.kind ?? r.kind,
      verbs: s.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}
