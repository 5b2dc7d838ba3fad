/**
 * Discovery and the REST mapper: which resource types the server serves, and how what users type
 * (`po`, `deploy`, `deployments.apps`, `hpa.v2.autoscaling`, `Pod`) maps to one of them. Like
 * kubectl, the answer is cached on disk (under `--cache-dir`, `$KUBECACHEDIR` or `~/.kube/cache`)
 * for six hours and refetched once when a type is not found, so a new CRD is seen at once.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestClient } from '../client/rest.js';
import { CliError } from './errors.js';
import type { ResourceMapping, RestMapper } from './types.js';

const AGGREGATED_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const TTL_MS = 6 * 3600_000;

/** What discovery found: every served resource of every version, preferred versions first per group. */
export interface DiscoveryData {
  /** Group versions in server order, preferred version of each group first (`v1`, `apps/v1`, …). */
  groupVersions: string[];
  /** The preferred version of each group ('' for core). */
  preferred: Record<string, string>;
  resources: ResourceMapping[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

function fromAggregated(list: Obj, into: DiscoveryData): void {
  for (const item of arr(list['items'])) {
    const group = str(obj(obj(item)['metadata'])['name']);
    const versions = arr(obj(item)['versions']).map(obj);
    if (versions.length > 0 && into.preferred[group] === undefined) into.preferred[group] = str(versions[0]?.['version']);
    for (const v of versions) {
      const version = str(v['version']);
      into.groupVersions.push(group ? `${group}/${version}` : version);
      for (const r of arr(v['resources']).map(obj)) {
        const kind = str(obj(r['responseKind'])['kind']);
        into.resources.push({
          group,
          version,
          resource: str(r['resource']),
          singular: str(r['singularResource']) || kind.toLowerCase(),
          kind,
          namespaced: r['scope'] === 'Namespaced',
          shortNames: strs(r['shortNames']),
          verbs: strs(r['verbs']),
          categories: strs(r['categories']),
          subresources: arr(r['subresources']).map((s) => str(obj(s)['subresource'])),
        });
      }
    }
  }
}

function fromResourceList(group: string, version: string, list: Obj, into: DiscoveryData): void {
  const all = arr(list['resources']).map(obj);
  for (const r of all) {
    const name = str(r['name']);
    if (name.includes('/')) continue;
    into.resources.push({
      group,
      version,
      resource: name,
      singular: str(r['singularName']) || str(r['kind']).toLowerCase(),
      kind: str(r['kind']),
      namespaced: r['namespaced'] === true,
      shortNames: strs(r['shortNames']),
      verbs: strs(r['verbs']),
      categories: strs(r['categories']),
      subresources: all.map((s) => str(s['name'])).filter((n) => n.startsWith(`${name}/`)).map((n) => n.slice(name.length + 1)),
    });
  }
}

/** Fetches discovery from the server: aggregated (one request per root) when served, else per group version. */
export async function fetchDiscovery(client: RestClient): Promise<DiscoveryData> {
  const data: DiscoveryData = { groupVersions: [], preferred: {}, resources: [] };
  const legacy: Array<[string, string]> = [];
  for (const root of ['/api', '/apis']) {
    const body = obj(await client.request<unknown>({ method: 'GET', path: root, headers: { Accept: AGGREGATED_ACCEPT } }));
    if (body['kind'] === 'APIGroupDiscoveryList') {
      fromAggregated(body, data);
    } else if (root === '/api') {
      for (const v of strs(body['versions'])) legacy.push(['', v]);
      data.preferred[''] = strs(body['versions'])[0] ?? 'v1';
    } else {
      for (const g of arr(body['groups']).map(obj)) {
        const name = str(g['name']);
        const preferred = str(obj(g['preferredVersion'])['version']);
        data.preferred[name] = preferred;
        const versions = arr(g['versions']).map((v) => str(obj(v)['version']));
        for (const v of [preferred, ...versions.filter((x) => x !== preferred)]) legacy.push([name, v]);
      }
    }
  }
  const lists = await Promise.all(
    legacy.map(async ([group, version]) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      try {
        return [group, version, obj(await client.request<unknown>({ method: 'GET', path }))] as const;
      } catch {
        return undefined; // an unavailable aggregated API: skip it, as kubectl does (with a warning)
      }
    }),
  );
  for (const l of lists) {
    if (!l) continue;
    data.groupVersions.push(l[0] ? `${l[0]}/${l[1]}` : l[1]);
    fromResourceList(l[0], l[1], l[2], data);
  }
  return data;
}

/** The file a server's discovery is cached in, e.g. `~/.kube/cache/discovery/127.0.0.1_6443/k8ts.json`. */
export function discoveryCachePath(cacheDir: string, server: string): string {
  const u = new URL(server);
  const hostDir = `${u.host}${u.pathname.replace(/\/$/, '')}`.replace(/[^A-Za-z0-9.\-]/g, '_');
  return join(cacheDir, 'discovery', hostDir, 'k8ts-discovery.json');
}

function readCache(path: string, now: number): DiscoveryData | undefined {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as { fetchedAt: number; data: DiscoveryData };
    return now - c.fetchedAt < TTL_MS ? c.data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(path: string, data: DiscoveryData, now: number): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ fetchedAt: now, data }));
    renameSync(tmp, path);
  } catch {
    // an unwritable cache only costs speed
  }
}

const qualified = (m: ResourceMapping) => (m.group ? `${m.resource}.${m.group}` : m.resource);

/** A RestMapper over discovery data, refreshing once from the server on a miss. */
export class DiscoveryMapper implements RestMapper {
  #data: DiscoveryData;
  #fresh: boolean;

  private constructor(
    data: DiscoveryData,
    fresh: boolean,
    private readonly refresh: () => Promise<DiscoveryData>,
  ) {
    this.#data = data;
    this.#fresh = fresh;
  }

  /** Loads from the cache file when recent (unless `noCache`), else from the server. */
  static async load(client: RestClient, cachePath: string | undefined, o: { noCache?: boolean } = {}): Promise<DiscoveryMapper> {
    const refresh = async () => {
      const data = await fetchDiscovery(client);
      if (cachePath) writeCache(cachePath, data, Date.now());
      return data;
    };
    const cached = cachePath && !o.noCache ? readCache(cachePath, Date.now()) : undefined;
    return cached ? new DiscoveryMapper(cached, false, refresh) : new DiscoveryMapper(await refresh(), true, refresh);
  }

  /** A mapper over fixed data (tests). */
  static fromData(data: DiscoveryData): DiscoveryMapper {
    return new DiscoveryMapper(data, true, () => Promise.resolve(data));
  }

  async #retry<T>(find: () => T | undefined, error: () => CliError): Promise<T> {
    const hit = find();
    if (hit !== undefined) return hit;
    if (!this.#fresh) {
      this.#data = await this.refresh();
      this.#fresh = true;
      const again = find();
      if (again !== undefined) return again;
    }
    throw error();
  }

  /** The preferred-version mapping order: preferred versions first, server order otherwise. */
  #ordered(): ResourceMapping[] {
    const pref = this.#data.preferred;
    const rs = this.#data.resources;
    return [...rs.filter((r) => pref[r.group] === r.version), ...rs.filter((r) => pref[r.group] !== r.version)];
  }

  #find(text: string): ResourceMapping | undefined {
    const lower = text.toLowerCase();
    const matches = (r: ResourceMapping, name: string) =>
      r.resource === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name);
    const ordered = this.#ordered();
    const direct = ordered.find((r) => matches(r, lower));
    if (direct) return direct;
    const dot = lower.indexOf('.');
    if (dot < 0) return undefined;
    const name = lower.slice(0, dot);
    const rest = lower.slice(dot + 1);
    // resource.version.group first (deploy.v1.apps, pods.v1.), then resource.group.
    const vdot = rest.indexOf('.');
    if (vdot >= 0) {
      const version = rest.slice(0, vdot);
      const group = rest.slice(vdot + 1);
      const hit = ordered.find((r) => r.version === version && r.group === group && matches(r, name));
      if (hit) return hit;
    }
    return ordered.find((r) => r.group === rest && matches(r, name));
  }

  resolve(text: string): Promise<ResourceMapping> {
    return this.#retry(
      () => this.#find(text),
      () => new CliError(`the server doesn't have a resource type "${text}"`),
    );
  }

  forKind(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    return this.#retry(
      () => this.#data.resources.find((r) => r.group === group && r.version === version && r.kind === kind),
      () => new CliError(`resource mapping not found for name: "" namespace: "" from "": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`),
    );
  }

  category(name: string): ResourceMapping[] {
    const seen = new Set<string>();
    return this.#ordered().filter((r) => {
      if (!r.categories.includes(name) || seen.has(qualified(r))) return false;
      seen.add(qualified(r));
      return true;
    });
  }

  /** One mapping per group and resource: the preferred version's, else the first version serving it (as ServerPreferredResources). */
  all(): ResourceMapping[] {
    const seen = new Set<string>();
    return this.#ordered().filter((r) => {
      const key = qualified(r);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  groupVersions(): string[] {
    return [...new Set(this.#data.groupVersions)];
  }
}
