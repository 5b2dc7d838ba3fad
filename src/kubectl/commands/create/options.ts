/**
 * What every `kubectl create …` command shares: the print, dry-run, validation, save-config and
 * field-manager flags (kubectl's PrintFlags and cmdutil helpers), reading them back with
 * kubectl's wording for bad values, and taking the NAME argument.
 */
import { ApiError } from '../../../api/errors.js';
import { AggregateCliError, CliError, errorMessage, UsageError } from '../../errors.js';
import type { CommandContext, FlagSpec, Flags, Streams } from '../../types.js';

/** `--dry-run`: none, client (print only) or server (`dryRun=All`). */
export type DryRun = 'none' | 'client' | 'server';

/** kubectl's PrintFlags: `-o`, `--template`, `--allow-missing-template-keys`, `--show-managed-fields`. */
export const printFlagSpecs: FlagSpec[] = [
  { name: 'output', short: 'o', type: 'string', default: '', help: 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).' },
  { name: 'template', type: 'string', default: '', help: 'Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].' },
  { name: 'allow-missing-template-keys', type: 'bool', default: true, help: 'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.' },
  { name: 'show-managed-fields', type: 'bool', default: false, help: 'If true, keep the managedFields when printing objects in JSON or YAML format.' },
];

/** `--dry-run`, as cmdutil.AddDryRunFlag declares it (bare `--dry-run` means client, with a warning). */
export const dryRunFlagSpec: FlagSpec = {
  name: 'dry-run',
  type: 'string',
  default: 'none',
  noOptDefault: 'unchanged',
  help: 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.',
};

/** `--validate`, as cmdutil.AddValidateFlags declares it. */
export const validateFlagSpec: FlagSpec = {
  name: 'validate',
  type: 'string',
  default: 'strict',
  noOptDefault: 'strict',
  help: 'Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.',
};

/** `--save-config`. */
export const saveConfigFlagSpec: FlagSpec = {
  name: 'save-config',
  type: 'bool',
  default: false,
  help: 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.',
};

/** `--field-manager` with a verb's default manager name. */
export function fieldManagerFlagSpec(manager: string): FlagSpec {
  return { name: 'field-manager', type: 'string', default: manager, help: 'Name of the manager used to track field ownership.' };
}

/** The flags of a generator subcommand (`create deployment`, …) besides its own. */
export function generatorFlags(own: FlagSpec[]): FlagSpec[] {
  return [...printFlagSpecs, saveConfigFlagSpec, validateFlagSpec, dryRunFlagSpec, fieldManagerFlagSpec('kubectl-create'), ...own];
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** klog's `W1123 04:53:05.175898   6552 file.go:NN] msg` line (time and pid are this process's). */
export function klogLine(level: 'W', where: string, msg: string): string {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getMilliseconds() * 1000).padStart(6, '0');
  return `${level}${p2(d.getMonth() + 1)}${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${micros} ${String(process.pid).padStart(7)} ${where}] ${msg}\n`;
}

/** The dry-run strategy, as cmdutil.GetDryRunStrategy reads it (deprecated forms warn on stderr). */
export function dryRunStrategy(flags: Flags, stderr: Streams['stderr']): DryRun {
  const v = flags.string('dry-run');
  if (TRUE.has(v) || FALSE.has(v)) {
    const to = TRUE.has(v) ? 'client' : 'none';
    stderr.write(klogLine('W', to === 'client' ? 'helpers.go:716' : 'helpers.go:719', `--dry-run=${v} is deprecated (boolean value) and can be replaced with --dry-run=${to}.`));
    return to;
  }
  switch (v) {
    case 'unchanged':
      stderr.write(klogLine('W', 'helpers.go:702', '--dry-run is deprecated and can be replaced with --dry-run=client.'));
      return 'client';
    case 'client':
    case 'server':
    case 'none':
      return v;
    default:
      throw new CliError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
  }
}

/** The `fieldValidation` query value for `--validate`, as cmdutil.GetValidationDirective reads it. */
export function validationDirective(flags: Flags): 'Strict' | 'Warn' | 'Ignore' {
  const v = flags.string('validate');
  if (TRUE.has(v)) return 'Strict';
  if (FALSE.has(v)) return 'Ignore';
  switch (v) {
    case 'strict':
      return 'Strict';
    case 'warn':
      return 'Warn';
    case 'ignore':
      return 'Ignore';
    default:
      throw new CliError(`invalid - validate option "${v}"; must be one of: strict (or true), warn, ignore (or false)`);
  }
}

/** The single NAME argument (arguments after `--` are not counted), as create.NameFromCommandArgs. */
export function nameFromArgs(ctx: CommandContext): string {
  if (ctx.args.length !== 1) throw new UsageError(`exactly one NAME is required, got ${ctx.args.length}`);
  return ctx.args[0] ?? '';
}

/** Cobra's check of `MarkFlagRequired` flags: `required flag(s) "a", "b" not set`. */
export function requireFlags(flags: Flags, names: string[]): void {
  const missing = names.filter((n) => !flags.has(n)).sort();
  if (missing.length > 0) throw new CliError(`required flag(s) ${missing.map((n) => `"${n}"`).join(', ')} not set`);
}

/**
 * One line of kubectl's MultipleErrors: a Status as `Error from server (Reason): message` (even
 * Invalid, which alone would get its own layout), anything else as its bare message.
 */
function multipleErrorLine(e: unknown): string {
  if (e instanceof ApiError) {
    const s = e.status;
    if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message ?? ''})`;
    return s.reason ? `Error from server (${s.reason}): ${e.message}` : `Error from server: ${e.message}`;
  }
  if (e instanceof CliError) return e.message;
  return errorMessage(e).replace(/^error: /, '');
}

/**
 * Ends a verb that carried on past failures: one error is thrown as it is; several are printed one
 * per line the way kubectl's MultipleErrors does.
 */
export function throwCollected(errors: unknown[]): void {
  const flat = errors.flatMap((e) => (e instanceof AggregateCliError ? e.errors : [e]));
  if (flat.length === 1) throw flat[0];
  if (flat.length > 1) throw new AggregateCliError(flat.map((e) => new CliError(multipleErrorLine(e), { raw: true })));
}
