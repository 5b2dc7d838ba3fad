/**
 * What a describer is handed: the API client, kubectl's describer settings and a clock, plus the
 * read helpers they share (GET one object, LIST following `continue` in chunks as kubectl does).
 */
import type { RestClient } from '../../client/rest.js';
import type { ResourceDescriptor } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import type { Now } from './format.js';

/** kubectl's DescriberSettings. */
export interface DescriberSettings {
  /** `--show-events` (default true). */
  showEvents: boolean;
  /** `--chunk-size` (default 500; 0 lists in one request). */
  chunkSize: number;
}

/** The environment of one describe run. */
export interface DescribeContext {
  client: RestClient;
  settings: DescriberSettings;
  now: Now;
}

/** Describes the object `name` (in `namespace`, '' for cluster-scoped) as text ending in a newline. */
export type Describer = (ctx: DescribeContext, namespace: string, name: string) => Promise<string>;

/** GET one object. */
export function getObject<T extends KubeObject>(ctx: DescribeContext, resource: ResourceDescriptor, namespace: string, name: string): Promise<T> {
  return ctx.client.resource<T>(resource).get(name, { namespace: resource.namespaced ? namespace : undefined });
}

/**
 * LIST every page (`limit` = chunk size, then `continue`), as kubectl's FollowContinue. `namespace`
 * '' lists across all namespaces.
 */
export async function listAll<T extends KubeObject>(
  ctx: DescribeContext,
  resource: ResourceDescriptor,
  o: { namespace: string; labelSelector?: string; fieldSelector?: string },
): Promise<T[]> {
  const client = ctx.client.resource<T>(resource);
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await client.list({
      namespace: o.namespace === '' ? undefined : o.namespace,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      limit: ctx.settings.chunkSize > 0 ? ctx.settings.chunkSize : undefined,
      continue: token,
    });
    items.push(...page.items);
    token = page.metadata?.continue || undefined;
  } while (token);
  return items;
}
