/**
 * `kubectl get`: server-side Tables for people (default, `-o wide`, `--show-labels`, `-L`, `-A`,
 * several types at once, `-w`), raw objects for programs (`-o yaml|json|name|jsonpath|…`), and
 * `--raw` passed straight through. Requests are the real kubectl's (research §4, §5): the Table
 * Accept header, `limit` chunks with `continue`, `includeObject=Object` only for `--sort-by`.
 */
import { resourcePath } from '../../client/paths.js';
import type { KubeList, KubeObject } from '../../client/types.js';
import { qualifiedName, resolveTypes, selectResources } from '../builder.js';
import { AggregateCliError, CliError, isStatus } from '../errors.js';
import { formatObjects, isObjectOutput } from '../printers/output.js';
import { sortObjects, TableSortError } from '../printers/sort.js';
import { isTable, renderTable, TABLE_ACCEPT, type Table, type TableOptions } from '../printers/table.js';
import type { Command, CommandContext, Factory, ResourceMapping } from '../types.js';
import { printTableWatch, printObjectWatch } from './get-watch.js';


/** One resource type to print, with the names asked for (none: list it). */
interface Request {
  mapping: ResourceMapping;
  names: string[];
}

const NO_TYPE = `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.

error: Required resource not specified.
Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).
See 'kubectl get -h' for help and examples`;

/** Groups `TYPE NAME…`, `TYPE/NAME…` and `TYPE,TYPE` arguments into per-type requests, in order. */
async function requestsFromArgs(f: Factory, args: string[]): Promise<Request[]> {
  const out: Request[] = [];
  const add = (mapping: ResourceMapping, name?: string) => {
    let r = out.find((x) => x.mapping.resource === mapping.resource && x.mapping.group === mapping.group);
    if (!r) out.push((r = { mapping, names: [] }));
    if (name !== undefined) r.names.push(name);
  };
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash <= 0) throw new CliError("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
      for (const m of await resolveTypes(f, a.slice(0, slash))) add(m, a.slice(slash + 1));
    }
    return out;
  }
  const types = await resolveTypes(f, args[0] ?? '');
  for (const m of types) {
    if (args.length === 1) add(m);
    for (const name of args.slice(1)) add(m, name);
  }
  return out;
}

function listQuery(ctx: CommandContext, extra: Record<string, string | number | undefined> = {}): Record<string, string | number | undefined> {
  return {
    labelSelector: ctx.flags.string('selector') || undefined,
    fieldSelector: ctx.flags.string('field-selector') || undefined,
    ...extra,
  };
}

async function fetchTable(ctx: CommandContext, r: Request, namespace: string | undefined, errors: unknown[]): Promise<Table | undefined> {
  const client = ctx.factory.client();
  const sortBy = ctx.flags.string('sort-by');
  const subresource = ctx.flags.string('subresource') || undefined;
  let table: Table | undefined;
  const merge = (t: Table) => {
    if (!table) table = { ...t, rows: [...t.rows] };
    else table.rows.push(...t.rows);
  };
  const asTable = (body: unknown, mapping: ResourceMapping): Table => (isTable(body) ? body : fallbackTable(body, mapping));
  if (r.names.length > 0) {
    for (const name of r.names) {
      try {
        const body = await client.request<unknown>({
          method: 'GET',
          path: resourcePath(r.mapping, { namespace, name, subresource }),
          headers: { Accept: TABLE_ACCEPT },
          query: sortBy ? { includeObject: 'Object' } : undefined,
        });
        merge(asTable(body, r.mapping));
      } catch (e) {
        if (ctx.flags.bool('ignore-not-found') && isStatus(e, 404)) continue;
        errors.push(e);
      }
    }
    return table;
  }
  const chunk = ctx.flags.int('chunk-size');
  let cont: string | undefined;
  do {
    const body = await client.request<unknown>({
      method: 'GET',
      path: resourcePath(r.mapping, { namespace }),
      headers: { Accept: TABLE_ACCEPT },
      query: listQuery(ctx, sortBy ? { includeObject: 'Object' } : { limit: chunk > 0 ? chunk : undefined, continue: cont }),
    });
    const t = asTable(body, r.mapping);
    merge(t);
    cont = sortBy ? undefined : t.metadata?.continue || undefined;
  } while (cont);
  return table;
}

/** What kubectl shows when the server sends plain objects: NAME and AGE from the objects. */
function fallbackTable(body: unknown, mapping: ResourceMapping): Table {
  const b = body as Partial<KubeList<KubeObject>> & KubeObject;
  const items: KubeObject[] = Array.isArray(b.items) ? b.items : [b];
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: b.metadata?.resourceVersion },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', priority: 0 },
      { name: 'Age', type: 'string', priority: 0 },
    ],
    rows: items.map((o) => ({ cells: [o.metadata?.name ?? '', ageText(o.metadata?.creationTimestamp, now)], object: { ...o, kind: o.kind ?? mapping.kind } })),
  };
}

function ageText(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const s = Math.floor((now - Date.parse(ts)) / 1000);
  if (s < 120) return `${s}s`;
  if (s < 600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 3 * 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function noneFound(ctx: CommandContext, requests: Request[], namespace: string): void {
  const all = ctx.flags.bool('all-namespaces');
  const namespaced = requests.some((r) => r.mapping.namespaced);
  ctx.streams.stderr.write(namespaced && !all ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
}

async function printTables(ctx: CommandContext, requests: Request[], namespace: string): Promise<unknown[]> {
  const errors: unknown[] = [];
  const all = ctx.flags.bool('all-namespaces');
  const output = ctx.flags.string('output');
  const showKind = ctx.flags.bool('show-kind') || requests.length > 1;
  const sortBy = ctx.flags.string('sort-by');
  let printed = 0;
  let sawRows = false;
  for (const r of requests) {
    const ns = r.mapping.namespaced && !(all && r.names.length === 0) ? namespace : undefined;
    const table = await fetchTable(ctx, r, ns, errors);
    if (!table || table.rows.length === 0) continue;
    if (sortBy) {
      try {
        table.rows = sortObjects(table.rows, sortBy, (row) => row.object, { table: true });
      } catch (e) {
        // kubectl prints nothing for a table it cannot sort (and carries on with the next).
        if (e instanceof TableSortError) continue;
        throw e;
      }
    }
    sawRows = true;
    const o: TableOptions = {
      wide: output === 'wide',
      noHeaders: ctx.flags.bool('no-headers'),
      showLabels: ctx.flags.bool('show-labels'),
      labelColumns: ctx.flags.strings('label-columns'),
      withNamespace: all && r.mapping.namespaced,
      kindPrefix: showKind ? qualifiedName(r.mapping, '') : undefined,
      color: ctx.streams.stdout.isTTY === true && !process.env['NO_COLOR'],
    };
    if (printed > 0) ctx.streams.stdout.write('\n');
    ctx.streams.stdout.write(renderTable(table, o));
    printed++;
  }
  if (!sawRows && errors.length === 0 && !requests.some((r) => r.names.length > 0)) noneFound(ctx, requests, namespace);
  return errors;
}

async function printObjects(ctx: CommandContext, requests: Request[], fromFiles: boolean, namespace: string): Promise<unknown[]> {
  const errors: unknown[] = [];
  const client = ctx.factory.client();
  const items: KubeObject[] = [];
  const all = ctx.flags.bool('all-namespaces');
  const subresource = ctx.flags.string('subresource') || undefined;
  let named = 0;
  for (const r of requests) {
    const apiVersion = r.mapping.group ? `${r.mapping.group}/${r.mapping.version}` : r.mapping.version;
    if (r.names.length > 0) {
      for (const name of r.names) {
        named++;
        try {
          const obj = await client.request<KubeObject>({ method: 'GET', path: resourcePath(r.mapping, { namespace: r.mapping.namespaced ? namespace : undefined, name, subresource }) });
          items.push(obj);
        } catch (e) {
          if (ctx.flags.bool('ignore-not-found') && isStatus(e, 404)) continue;
          errors.push(e);
        }
      }
      continue;
    }
    const list = await client.request<KubeList<KubeObject>>({
      method: 'GET',
      path: resourcePath(r.mapping, { namespace: r.mapping.namespaced && !all ? namespace : undefined }),
      query: listQuery(ctx),
    });
    items.push(...(list.items ?? []).map((i) => ({ ...i, apiVersion: i.apiVersion ?? apiVersion, kind: i.kind ?? r.mapping.kind })));
  }
  const single = !fromFiles && named === 1 && requests.length === 1 && items.length === 1;
  // kubectl never sorts (nor checks --sort-by for) one object asked for by name.
  const sortBy = ctx.flags.string('sort-by');
  const sorted = sortBy && !single ? sortObjects(items, sortBy, (o) => o) : items;
  const output = ctx.flags.string('output') || (ctx.flags.string('template') ? 'go-template' : '');
  // An empty list still prints (an empty List, the custom-columns header): no "No resources found".
  if (sorted.length > 0 || named === 0) {
    ctx.streams.stdout.write(
      formatObjects(sorted, output, {
        single,
        template: ctx.flags.string('template') || undefined,
        noHeaders: ctx.flags.bool('no-headers'),
        showManagedFields: ctx.flags.bool('show-managed-fields'),
        allowMissingKeys: ctx.flags.bool('allow-missing-template-keys'),
      }),
    );
  }
  return errors;
}

async function getRaw(ctx: CommandContext, path: string): Promise<void> {
  const res = await ctx.factory.client().stream({ method: 'GET', path, headers: { Accept: 'application/json, */*' }, timeoutMs: 0 });
  for await (const chunk of res) ctx.streams.stdout.write(chunk as Buffer);
}

async function run(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  const raw = f.string('raw');
  if (raw) {
    if (ctx.args.length > 0) throw new CliError('arguments may not be passed when --raw is specified');
    await getRaw(ctx, raw);
    return 0;
  }
  const output = f.string('output');
  if (output && output !== 'wide' && !isObjectOutput(output)) {
    throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`);
  }
  const { namespace } = ctx.factory.namespace();
  const filenames = f.strings('filename');
  let requests: Request[];
  if (filenames.length > 0) {
    const { infos } = await selectResources(ctx.factory, ctx.args, { filenames, recursive: f.bool('recursive') });
    requests = [];
    for (const info of infos) {
      const r = requests.find((x) => x.mapping === info.mapping);
      if (r) r.names.push(info.name);
      else requests.push({ mapping: info.mapping, names: [info.name] });
    }
  } else {
    if (ctx.args.length === 0) throw new CliError(NO_TYPE, { raw: true });
    requests = await requestsFromArgs(ctx.factory, ctx.args);
  }
  if (f.bool('watch') || f.bool('watch-only')) {
    if (requests.length !== 1) throw new CliError('you may only specify a single resource type');
    const r = requests[0] as Request;
    if (r.names.length > 1) throw new CliError('watch is only supported on individual resources and resource collections, but 2 resources were found');
    const watch = { mapping: r.mapping, name: r.names[0], namespace: r.mapping.namespaced && !f.bool('all-namespaces') ? namespace : undefined };
    if (output && output !== 'wide') await printObjectWatch(ctx, watch);
    else await printTableWatch(ctx, watch);
    return 0;
  }
  const objectOutput = (output !== '' && output !== 'wide') || (f.string('template') !== '' && output === '');
  const errors = objectOutput ? await printObjects(ctx, requests, filenames.length > 0, namespace) : await printTables(ctx, requests, namespace);
  if (errors.length > 0) throw new AggregateCliError(errors);
  return 0;
}


export const command: Command = {
  name: 'get',
  short: 'Display one or many resources',
  long: 'Display one or many resources.\n\n Prints a table of the most important information about the specified resources. You can filter the list using a label selector and the --selector flag. If the desired resource type is namespaced you will only see results in the current namespace if you don\'t specify any namespace.',
  usage: 'kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]',
  examples: '  # List all pods in ps output format\n  kubectl get pods\n\n  # List all pods in ps output format with more information (such as node name)\n  kubectl get pods -o wide',
  flags: [
    { name: 'output', short: 'o', type: 'string', help: 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).' },
    { name: 'selector', short: 'l', type: 'string', help: 'Selector (label query) to filter on, supports \'=\', \'==\', \'!=\', \'in\', \'notin\'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.' },
    { name: 'field-selector', type: 'string', help: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type." },
    { name: 'all-namespaces', short: 'A', type: 'bool', help: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
    { name: 'watch', short: 'w', type: 'bool', help: 'After listing/getting the requested object, watch for changes.' },
    { name: 'watch-only', type: 'bool', help: 'Watch for changes to the requested object(s), without listing/getting first.' },
    { name: 'output-watch-events', type: 'bool', help: 'Output watch event objects when --watch or --watch-only is used. Existing objects are output as initial ADDED events.' },
    { name: 'show-labels', type: 'bool', help: 'When printing, show all labels as the last column (default hide labels column)' },
    { name: 'label-columns', short: 'L', type: 'strings', help: 'Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...' },
    { name: 'sort-by', type: 'string', help: "If non-empty, sort list types using this field specification.  The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath expression must be an integer or a string." },
    { name: 'no-headers', type: 'bool', help: 'When using the default or custom-column output format, don\'t print headers (default print headers).' },
    { name: 'show-kind', type: 'bool', help: 'If present, list the resource type for the requested object(s).' },
    { name: 'ignore-not-found', type: 'bool', help: 'If the requested object does not exist the command will return exit code 0.' },
    { name: 'chunk-size', type: 'int', default: 500, help: 'Return large lists in chunks rather than all at once. Pass 0 to disable.' },
    { name: 'raw', type: 'string', help: 'Raw URI to request from the server.  Uses the transport specified by the kubeconfig file.' },
    { name: 'filename', short: 'f', type: 'strings', help: 'Filename, directory, or URL to files identifying the resource to get from a server.' },
    { name: 'recursive', short: 'R', type: 'bool', help: 'Process the directory used in -f, --filename recursively.' },
    { name: 'template', type: 'string', help: 'Template string or path to template file to use when -o=go-template, -o=go-template-file.' },
    { name: 'show-managed-fields', type: 'bool', help: 'If true, keep the managedFields when printing objects in JSON or YAML format.' },
    { name: 'allow-missing-template-keys', type: 'bool', default: true, help: 'If true, ignore any errors in templates when a field or map key is missing in the template.' },
    { name: 'subresource', type: 'string', help: 'If specified, gets the subresource of the requested object.' },
    { name: 'server-print', type: 'bool', default: true, hidden: true, help: 'If true, have the server return the appropriate table output.' },
  ],
  run,
};
