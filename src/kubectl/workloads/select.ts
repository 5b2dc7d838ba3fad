/**
 * The resource builder as the workload verbs call it (ResourceTypeOrNameArgs with `allowEmptySelector`,
 * `-l`, `--all`, `-f`, fetching the live objects), plus how they report the objects that could not be
 * read: kubectl keeps going with the others and returns those errors at the end.
 */
import { selectResources } from '../builder.js';
import { AggregateCliError, CliError } from '../errors.js';
import type { CommandContext, ResourceInfo } from '../types.js';

/** How the verb wants its arguments read. */
export interface SelectFlags {
  /** A bare type lists every object of it (rollout verbs); otherwise a name, `-l` or `--all` is required. */
  allowEmptySelector?: boolean;
  /** Read `-l`/`--selector` (default true when the verb declares it). */
  selector?: boolean;
  /** Read `--all`. */
  all?: boolean;
  /** GET named objects (default true). */
  fetch?: boolean;
}

/** True when the arguments name a type without names (`deploy`, `deploy,rc`). */
function typeOnly(args: string[]): boolean {
  return args.length === 1 && !(args[0] ?? '').includes('/');
}

/** Resolves `ctx.args` (or `-f`) into infos and the errors of the ones that could not be read. */
export async function selectInfos(ctx: CommandContext, args: string[], o: SelectFlags = {}): Promise<{ infos: ResourceInfo[]; errors: unknown[] }> {
  const flags = ctx.flags;
  const filenames = flags.has('filename') ? flags.strings('filename') : [];
  const selector = o.selector !== false && flags.has('selector') ? flags.string('selector') : '';
  const all = o.all === true && flags.bool('all');
  if (filenames.length === 0 && typeOnly(args) && selector === '' && !all && !o.allowEmptySelector) {
    throw new CliError('resource(s) were provided, but no name was specified');
  }
  return selectResources(ctx.factory, args, {
    filenames,
    recursive: flags.has('recursive') && flags.bool('recursive'),
    selector: selector || undefined,
    all,
    fetch: o.fetch ?? true,
  });
}

/** Throws the collected errors the way kubectl's aggregate prints them (one, or each on a line). */
export function throwErrors(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateCliError(errors);
}

/** `No resources found in <ns> namespace.` on stderr, as the rollout verbs print it. */
export function noResources(ctx: CommandContext): void {
  ctx.streams.stderr.write(`No resources found in ${ctx.factory.namespace().namespace} namespace.\n`);
}
