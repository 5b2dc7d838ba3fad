/**
 * `kubectl api-resources`: the served resource types (preferred version of each), filtered by
 * group, scope, verbs and categories, sorted by group (or name or kind), as a table, wide table or
 * `-o name` list. Discovery is read fresh unless `--cached`.
 */
import { CliError, UsageError } from '../errors.js';
import { tabbed } from '../printers/tabwriter.js';
import type { Command, ResourceMapping } from '../types.js';
import { freshMapper } from './discovery-fresh.js';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Filters and orders mappings as api-resources does (stable sort; ties broken by resource name). */
export function selectResources(all: ResourceMapping[], o: { group?: string; namespaced?: boolean; verbs: string[]; categories: string[]; sortBy: string }): ResourceMapping[] {
  const picked = all.filter(
    (r) =>
      r.verbs.length > 0 &&
      (o.group === undefined || r.group === o.group) &&
      (o.namespaced === undefined || r.namespaced === o.namespaced) &&
      o.verbs.every((v) => r.verbs.includes(v)) &&
      o.categories.every((c) => r.categories.includes(c)),
  );
  const key = (r: ResourceMapping) => (o.sortBy === 'name' ? r.resource : o.sortBy === 'kind' ? r.kind : r.group);
  return picked.sort((a, b) => compare(key(a), key(b)) || compare(a.resource, b.resource));
}

export const command: Command = {
  name: 'api-resources',
  short: 'Print the supported API resources on the server',
  long: 'Print the supported API resources on the server.',
  usage: 'kubectl api-resources',
  examples: [
    '  # Print the supported API resources',
    '  kubectl api-resources',
    '  ',
    '  # Print the supported API resources with more information',
    '  kubectl api-resources -o wide',
    '  ',
    '  # Print the supported API resources sorted by a column',
    '  kubectl api-resources --sort-by=name',
    '  ',
    '  # Print the supported namespaced resources',
    '  kubectl api-resources --namespaced=true',
    '  ',
    '  # Print the supported non-namespaced resources',
    '  kubectl api-resources --namespaced=false',
    '  ',
    '  # Print the supported API resources with a specific APIGroup',
    '  kubectl api-resources --api-group=rbac.authorization.k8s.io',
  ].join('\n'),
  flags: [
    { name: 'no-headers', type: 'bool', default: false, help: "When using the default or custom-column output format, don't print headers (default print headers)." },
    { name: 'output', short: 'o', type: 'string', default: '', help: 'Output format. One of: (wide, name).' },
    { name: 'api-group', type: 'string', default: '', help: 'Limit to resources in the specified API group.' },
    { name: 'namespaced', type: 'bool', default: true, help: 'If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.' },
    { name: 'verbs', type: 'strings', default: [], help: 'Limit to resources that support the specified verbs.' },
    { name: 'sort-by', type: 'string', default: '', help: "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'." },
    { name: 'cached', type: 'bool', default: false, help: 'Use the cached list of resources if available.' },
    { name: 'categories', type: 'strings', default: [], help: 'Limit to resources that belong to the specified categories.' },
  ],
  async run(ctx) {
    const f = ctx.flags;
    if (ctx.args.length > 0) throw new UsageError(`unexpected arguments: [${ctx.args.join(' ')}]`);
    const output = f.string('output');
    if (!['', 'wide', 'name'].includes(output)) throw new CliError(`--output ${output} is not available`);
    const sortBy = f.string('sort-by');
    if (!['', 'name', 'kind'].includes(sortBy)) throw new CliError('--sort-by accepts only name or kind');
    const mapper = await freshMapper(ctx.factory, f.bool('cached'));
    const rows = selectResources(mapper.all(), {
      group: f.has('api-group') ? f.string('api-group') : undefined,
      namespaced: f.has('namespaced') ? f.bool('namespaced') : undefined,
      verbs: f.strings('verbs'),
      categories: f.strings('categories'),
      sortBy,
    });
    if (output === 'name') {
      ctx.streams.stdout.write(rows.map((r) => `${r.group ? `${r.resource}.${r.group}` : r.resource}\n`).join(''));
      return;
    }
    const wide = output === 'wide';
    let text = f.bool('no-headers') ? '' : `NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND${wide ? '\tVERBS\tCATEGORIES' : ''}\n`;
    for (const r of rows) {
      const gv = r.group ? `${r.group}/${r.version}` : r.version;
      text += `${r.resource}\t${r.shortNames.join(',')}\t${gv}\t${String(r.namespaced)}\t${r.kind}`;
      text += wide ? `\t${r.verbs.join(',')}\t${r.categories.join(',')}\n` : '\n';
    }
    ctx.streams.stdout.write(tabbed(text));
  },
};
