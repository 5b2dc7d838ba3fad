/**
 * `kubectl apply --prune`: after applying, delete the objects of the pruned kinds that carry a
 * last-applied annotation, match the selector, live in a namespace apply touched (or are
 * cluster-scoped) and were not part of this apply. Kinds are kubectl's default allowlist or
 * `--prune-allowlist=<group/version/kind>`.
 */
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { LAST_APPLIED } from '../../apply/annotation.js';
import { klogLine, type DryRun } from '../create/options.js';
import { CliError } from '../../errors.js';
import { formatObjects, printAction } from '../../printers/output.js';
import type { CommandContext, ResourceMapping } from '../../types.js';
import { listObjects } from '../../builder.js';
import { cascadePolicy } from './client-side.js';
import type { ManifestInfo } from './objects.js';

const DEFAULT_NAMESPACED = ['/v1/ConfigMap', '/v1/Endpoints', '/v1/PersistentVolumeClaim', '/v1/Pod', '/v1/ReplicationController', '/v1/Secret', '/v1/Service', 'batch/v1/Job', 'batch/v1/CronJob', 'networking.k8s.io/v1/Ingress', 'apps/v1/DaemonSet', 'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet'];
const DEFAULT_CLUSTER = ['/v1/Namespace', '/v1/PersistentVolume'];

/** Settings of one prune. */
export interface PruneOptions {
  selector: string;
  allowlist: string[];
  dryRun: DryRun;
  cascade: string;
  gracePeriod: number;
  output: string;
}

async function mappings(ctx: CommandContext, allowlist: string[]): Promise<ResourceMapping[]> {
  const mapper = await ctx.factory.mapper();
  const forGvk = async (gvk: string) => {
    const [group = '', version = '', kind = ''] = gvk.split('/');
    return mapper.forKind(group ? `${group}/${version}` : version, kind);
  };
  if (allowlist.length === 0) {
    // kubectl warns on every defaulted prune (it checks a namespace that is always set).
    ctx.streams.stderr.write(klogLine('W', 'prune.go:71', 'Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag.'));
    return Promise.all([...DEFAULT_NAMESPACED, ...DEFAULT_CLUSTER].map(forGvk));
  }
  const out: ResourceMapping[] = [];
  for (const text of allowlist) {
    const parts = text.split('/');
    if (parts.length !== 3) throw new CliError(`invalid GroupVersionKind format: ${text}, please follow <group/version/kind>`);
    if (parts[0] === 'core') parts[0] = '';
    out.push(await forGvk(parts.join('/')));
  }
  return out;
}

/** Deletes what the last apply left behind; prints `kind/name pruned` for each. */
export async function prune(ctx: CommandContext, visited: ManifestInfo[], o: PruneOptions): Promise<void> {
  const uids = new Set(visited.map((i) => i.object.metadata?.uid).filter((u): u is string => !!u));
  const namespaces = new Set(visited.filter((i) => i.mapping.namespaced).map((i) => i.namespace));
  const { namespace, explicit } = ctx.factory.namespace();
  if (explicit) namespaces.add(namespace);
  const all = await mappings(ctx, o.allowlist);
  const scoped = all.filter((m) => m.namespaced);
  const cluster = all.filter((m) => !m.namespaced);
  for (const ns of namespaces) for (const m of scoped) await pruneType(ctx, m, ns, uids, o);
  for (const m of cluster) await pruneType(ctx, m, undefined, uids, o);
}

async function pruneType(ctx: CommandContext, mapping: ResourceMapping, namespace: string | undefined, uids: Set<string>, o: PruneOptions): Promise<void> {
  const list = await listObjects(ctx.factory, mapping, { namespace, selector: o.selector || undefined });
  for (const obj of list.items) {
    if (obj.metadata?.annotations?.[LAST_APPLIED] === undefined) continue;
    if (uids.has(obj.metadata.uid ?? '')) continue;
    if (o.dryRun !== 'client') await remove(ctx, mapping, obj, o);
    if (o.output === 'name') ctx.streams.stdout.write(formatObjects([obj], 'name', { single: true }));
    else if (o.output === '') printAction(ctx.streams.stdout, obj, 'pruned', o.dryRun === 'none' ? undefined : o.dryRun);
  }
}

async function remove(ctx: CommandContext, mapping: ResourceMapping, obj: KubeObject, o: PruneOptions): Promise<void> {
  const body: Record<string, unknown> = {};
  if (o.gracePeriod >= 0) body['gracePeriodSeconds'] = o.gracePeriod;
  body['propagationPolicy'] = cascadePolicy(o.cascade);
  if (o.dryRun === 'server') body['dryRun'] = ['All'];
  await ctx.factory.client().request({
    method: 'DELETE',
    path: resourcePath(mapping, { namespace: mapping.namespaced ? obj.metadata?.namespace : undefined, name: obj.metadata?.name ?? '' }),
    body,
  });
}
