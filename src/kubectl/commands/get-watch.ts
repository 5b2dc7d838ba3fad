/**
 * `kubectl get -w`: the list (unless `--watch-only`), then a watch from the list's resourceVersion,
 * one printed row or object per event until the server ends the stream. A named object is watched
 * through `fieldSelector=metadata.name=…`, as kubectl does.
 */
import { fromStatus } from '../../api/errors.js';
import { resourcePath } from '../../client/paths.js';
import type { KubeList, KubeObject, Query } from '../../client/types.js';
import { decodeWatch } from '../../client/watch.js';
import { qualifiedName } from '../builder.js';
import { formatObjects } from '../printers/output.js';
import { alignColumns, isTable, TABLE_ACCEPT, tableLines, type Table, type TableOptions } from '../printers/table.js';
import type { CommandContext, ResourceMapping } from '../types.js';


/** What is watched. */
export interface WatchTarget {
  mapping: ResourceMapping;
  name?: string;
  namespace?: string;
}

function query(ctx: CommandContext, t: WatchTarget): Query {
  const fields = [ctx.flags.string('field-selector'), t.name ? `metadata.name=${t.name}` : ''].filter((x) => x !== '').join(',');
  return { labelSelector: ctx.flags.string('selector') || undefined, fieldSelector: fields || undefined };
}

async function* events(ctx: CommandContext, t: WatchTarget, resourceVersion: string | undefined, accept: string): AsyncGenerator<{ type: string; object: unknown }> {
  const res = await ctx.factory.client().stream({
    method: 'GET',
    path: resourcePath(t.mapping, { namespace: t.namespace }),
    query: { ...query(ctx, t), watch: 'true', resourceVersion: resourceVersion ?? '0' },
    headers: { Accept: accept },
    timeoutMs: 0,
  });
  for await (const ev of decodeWatch<unknown>(res)) {
    if (ev.type === 'ERROR') throw fromStatus(ev.object, (ev.object as { code?: number }).code ?? 500);
    if (ev.type === 'BOOKMARK') continue;
    yield ev;
  }
}

/** Watch printed as table rows. */
export async function printTableWatch(ctx: CommandContext, t: WatchTarget): Promise<void> {
  const withEvents = ctx.flags.bool('output-watch-events');
  const o: TableOptions = {
    wide: ctx.flags.string('output') === 'wide',
    noHeaders: ctx.flags.bool('no-headers'),
    showLabels: ctx.flags.bool('show-labels'),
    labelColumns: ctx.flags.strings('label-columns'),
    withNamespace: t.namespace === undefined && t.mapping.namespaced,
    kindPrefix: ctx.flags.bool('show-kind') ? qualifiedName(t.mapping, '') : undefined,
  };
  let columns: Table['columnDefinitions'] | undefined;
  let headerDone = false;
  const print = (table: Table, type: string | undefined) => {
    const { header, rows } = tableLines(table, o);
    const lines = rows.map((r) => (withEvents ? [type ?? 'ADDED', ...r] : r));
    if (!headerDone && !o.noHeaders) lines.unshift(withEvents ? ['EVENT', ...header] : header);
    headerDone = true;
    if (lines.length > 0) ctx.streams.stdout.write(alignColumns(lines));
  };
  let rv: string | undefined;
  if (!ctx.flags.bool('watch-only')) {
    const body = await ctx.factory.client().request<unknown>({
      method: 'GET',
      path: resourcePath(t.mapping, { namespace: t.namespace }),
      query: query(ctx, t),
      headers: { Accept: TABLE_ACCEPT },
    });
    if (isTable(body)) {
      columns = body.columnDefinitions;
      rv = body.metadata?.resourceVersion;
      if (body.rows.length > 0) print(body, undefined);
    }
  }
  for await (const ev of events(ctx, t, rv, TABLE_ACCEPT)) {
    if (!isTable(ev.object)) continue;
    if (ev.object.columnDefinitions.length > 0) columns = ev.object.columnDefinitions;
    print({ ...ev.object, columnDefinitions: columns ?? [] }, ev.type);
  }
}

/** Watch printed as objects (`-o yaml|json|name|jsonpath…`). */
export async function printObjectWatch(ctx: CommandContext, t: WatchTarget): Promise<void> {
  const output = ctx.flags.string('output');
  const apiVersion = t.mapping.group ? `${t.mapping.group}/${t.mapping.version}` : t.mapping.version;
  let count = 0;
  const print = (obj: KubeObject) => {
    const text = formatObjects([{ ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? t.mapping.kind }], output, { single: true, template: ctx.flags.string('template') || undefined, showManagedFields: ctx.flags.bool('show-managed-fields') });
    ctx.streams.stdout.write(output === 'yaml' && count > 0 ? `---\n${text}` : text);
    count++;
  };
  let rv: string | undefined;
  if (!ctx.flags.bool('watch-only')) {
    const list = await ctx.factory.client().request<KubeList<KubeObject>>({ method: 'GET', path: resourcePath(t.mapping, { namespace: t.namespace }), query: query(ctx, t) });
    rv = list.metadata?.resourceVersion;
    for (const item of list.items ?? []) print(item);
  }
  for await (const ev of events(ctx, t, rv, 'application/json')) print(ev.object as KubeObject);
}
