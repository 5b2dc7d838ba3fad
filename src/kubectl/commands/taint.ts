/**
 * `kubectl taint node NAME… | -l selector | --all KEY[=VALUE]:EFFECT… KEY[:EFFECT]-…`: update
 * node taints with a strategic merge patch of `spec.taints` (field manager kubectl-taint). Nodes
 * that fail do not stop the others; their errors are reported at the end.
 */
import { isDeepStrictEqual } from 'node:util';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { selectResources } from '../builder.js';
import { CliError, UsageError } from '../errors.js';
import { formatObjects, printAction } from '../printers/output.js';
import type { Command, CommandContext, FlagSpec, ResourceInfo } from '../types.js';
import { selectorFlagSpec } from './cordon.js';
import { dryRunFlagSpec, dryRunStrategy, fieldManagerFlagSpec, printFlagSpecs, validateFlagSpec, validationDirective, type DryRun } from './create/options.js';
import { aggregateOf, checkErrError, goErrorText } from './drain/go-text.js';
import { alreadyPresent, conflicts, isTaintArg, parseTaints, reorganize, type Taint } from './taint/taints.js';

const LONG = `Update the taints on one or more nodes.

  *  A taint consists of a key, value, and effect. As an argument here, it is expressed as key=value:effect.
  *  The key must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 253 characters.
  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.
  *  The value is optional. If given, it must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters.
  *  The effect must be NoSchedule, PreferNoSchedule or NoExecute.
  *  Currently taint can only apply to node.`;

type NodeObject = KubeObject & { spec?: { taints?: Taint[] } };

/**
 * A taint as kubectl's patch carries it: empty value and timeAdded left out, and keys sorted,
 * because the two-way patch is computed on decoded maps (the server keeps what it is sent).
 */
const encoded = (t: Taint): Taint => ({ effect: t.effect, key: t.key, ...(t.timeAdded ? { timeAdded: t.timeAdded } : {}), ...(t.value ? { value: t.value } : {}) });

interface TaintRun {
  ctx: CommandContext;
  add: Taint[];
  remove: Taint[];
  overwrite: boolean;
  dryRun: DryRun;
  output: string;
  printed: number;
}

function print(r: TaintRun, obj: KubeObject, operation: string): void {
  const out = r.ctx.streams.stdout;
  // No "(dry run)" suffix: kubectl taint sets the printer's operation after the dry-run template, losing it.
  if (r.output === '') return printAction(out, obj, operation);
  // Like kubectl's YAML printer, later objects are separated by `---`.
  if (r.output === 'yaml' && r.printed > 0) out.write('---\n');
  out.write(formatObjects([obj], r.output, { single: true, template: r.ctx.flags.string('template') || undefined, showManagedFields: r.ctx.flags.bool('show-managed-fields') }));
  r.printed++;
}

async function taintNode(r: TaintRun, info: ResourceInfo): Promise<void> {
  const node = (info.object ?? {}) as NodeObject;
  const existing = node.spec?.taints ?? [];
  if (!r.overwrite) {
    const present = alreadyPresent(existing, r.add);
    if (present !== '') throw new CliError(`node ${info.name} already has ${present} taint(s) with same effect(s) and --overwrite is false`);
  }
  const { operation, taints, errors } = reorganize(existing, r.overwrite, r.add, r.remove);
  const failed = aggregateOf(errors.map((e) => new Error(e)));
  if (failed) throw failed;
  const next = taints.map(encoded);
  const changed = !isDeepStrictEqual(next, existing.map(encoded)) && !(next.length === 0 && existing.length === 0);
  // spec.taints has no merge key: a two-way patch replaces the whole list (null when it empties).
  const patch = changed ? { spec: { taints: next.length > 0 ? next : null } } : {};
  if (r.dryRun === 'client') {
    const spec: Record<string, unknown> = { ...(node.spec ?? {}) };
    if (next.length > 0) spec['taints'] = next;
    else delete spec['taints'];
    return print(r, { ...node, spec } as KubeObject, operation);
  }
  const f = r.ctx.flags;
  const updated = await r.ctx.factory.client().request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(info.mapping, { name: info.name }),
    query: { dryRun: r.dryRun === 'server' ? 'All' : undefined, fieldManager: f.string('field-manager'), fieldValidation: validationDirective(f) },
    body: patch,
    contentType: 'application/strategic-merge-patch+json',
  });
  print(r, updated, operation);
}

/** The nodes to taint, each name looked up in turn (lookup failures are kept, in order, as errors). */
async function nodesOf(ctx: CommandContext, names: string[], selector: string, all: boolean): Promise<Array<ResourceInfo | { error: unknown }>> {
  if (selector !== '' || all) {
    const { infos, errors } = await selectResources(ctx.factory, ['node'], { selector: selector || undefined, all, fetch: true });
    return [...infos, ...errors.map((error) => ({ error }))];
  }
  const out: Array<ResourceInfo | { error: unknown }> = [];
  for (const name of names) {
    const { infos, errors } = await selectResources(ctx.factory, [name.includes('/') ? name : `node/${name}`], { fetch: true });
    out.push(...infos, ...errors.map((error) => ({ error })));
  }
  return out;
}

async function run(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  const dryRun = dryRunStrategy(f, ctx.streams.stderr);
  validationDirective(f);
  const resources: string[] = [];
  const specs: string[] = [];
  for (const arg of ctx.args) {
    if (isTaintArg(arg)) specs.push(arg);
    else if (specs.length > 0) throw new CliError(`all resources must be specified before taint changes: ${arg}`);
    else resources.push(arg);
  }
  if (resources.length < 1) throw new CliError('one or more resources must be specified as <resource> <name>');
  if (specs.length < 1) throw new CliError('at least one taint update is required');
  let parsed: { add: Taint[]; remove: Taint[] };
  try {
    parsed = parseTaints(specs);
  } catch (e) {
    throw new UsageError(goErrorText(e));
  }
  const typeArg = (resources[0] ?? '').toLowerCase();
  const mapper = await ctx.factory.mapper();
  const mapping = await mapper.resolve(typeArg.split('.')[0] ?? typeArg).catch(() => {
    throw new CliError(`the server doesn't have a resource type "${typeArg.split('.')[0] ?? typeArg}"`, { raw: true });
  });
  if (mapping.kind !== 'Node') throw new CliError(`invalid resource type ${typeArg}, only node types are supported`);
  const clash = conflicts(parsed.add, parsed.remove);
  if (clash.length > 0) throw new CliError(`can not both modify and remove the following taint(s) in the same command: ${clash.join(', ')}`);
  const selector = f.string('selector');
  const all = f.bool('all');
  if (all && selector !== '') throw new CliError("setting 'all' parameter with a non empty selector is prohibited");
  if (!all && selector === '' && resources.length < 2) throw new CliError("at least one resource name must be specified since 'all' parameter is not set");

  const r: TaintRun = { ctx, ...parsed, overwrite: f.bool('overwrite'), dryRun, output: f.string('output'), printed: 0 };
  const errors: unknown[] = [];
  for (const item of await nodesOf(ctx, resources.slice(1), selector, all)) {
    if ('error' in item) {
      errors.push(item.error);
      continue;
    }
    try {
      await taintNode(r, item);
    } catch (e) {
      errors.push(e);
    }
  }
  // kubectl's ContinueOnError visitor returns a lone error as it is, several as an aggregate.
  if (errors.length === 1) throw checkErrError(errors[0]);
  const failed = aggregateOf(errors);
  if (failed) throw checkErrError(failed);
}

export const command: Command = {
  name: 'taint',
  short: 'Update the taints on one or more nodes',
  long: LONG,
  usage: 'kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N',
  examples: `  # Update node 'foo' with a taint with key 'dedicated' and value 'special-user' and effect 'NoSchedule'
  # If a taint with that key and effect already exists, its value is replaced as specified
  kubectl taint nodes foo dedicated=special-user:NoSchedule

  # Remove from node 'foo' the taint with key 'dedicated' and effect 'NoSchedule' if one exists
  kubectl taint nodes foo dedicated:NoSchedule-

  # Remove from node 'foo' all the taints with key 'dedicated'
  kubectl taint nodes foo dedicated-

  # Add a taint with key 'dedicated' on nodes having label myLabel=X
  kubectl taint node -l myLabel=X  dedicated=foo:PreferNoSchedule

  # Add to node 'foo' a taint with key 'bar' and no value
  kubectl taint nodes foo bar:NoSchedule`,
  flags: ([
    { name: 'all', type: 'bool', default: false, help: 'Select all nodes in the cluster' },
    ...printFlagSpecs,
    dryRunFlagSpec,
    fieldManagerFlagSpec('kubectl-taint'),
    { name: 'overwrite', type: 'bool', default: false, help: 'If true, allow taints to be overwritten, otherwise reject taint updates that overwrite existing taints.' },
    selectorFlagSpec,
    validateFlagSpec,
  ] satisfies FlagSpec[]).sort((a, b) => (a.name < b.name ? -1 : 1)),
  run,
};
