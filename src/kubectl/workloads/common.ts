/**
 * What the workload verbs share: the `--dry-run` and `-o` flags as kubectl declares them, the dry-run
 * strategy (kubectl's GetDryRunStrategy), and printing a result either as the object (`-o`) or as
 * the `<kind>.<group>/<name> <operation>` line, with the dry-run suffix.
 */
import { goJsonString } from '../../api/gofmt.js';
import type { KubeObject } from '../../client/types.js';
import { qualifiedName } from '../builder.js';
import { CliError } from '../errors.js';
import { formatObjects } from '../printers/output.js';
import type { CommandContext, FlagSpec, Flags, ResourceMapping } from '../types.js';

/** none: write; client: print only; server: send with dryRun=All. */
export type DryRun = 'none' | 'client' | 'server';

/** `--dry-run`, with pflag's bare-flag value "unchanged" (kubectl's AddDryRunFlag). */
export const dryRunFlag: FlagSpec = {
  name: 'dry-run',
  type: 'string',
  default: 'none',
  noOptDefault: 'unchanged',
  help: 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.',
};

/** `-o` and the flags that go with kubectl's PrintFlags. */
export const outputFlags: FlagSpec[] = [
  { name: 'output', short: 'o', type: 'string', help: 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).' },
  { name: 'template', type: 'string', help: 'Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].' },
  { name: 'allow-missing-template-keys', type: 'bool', default: true, help: 'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.' },
  { name: 'show-managed-fields', type: 'bool', help: 'If true, keep the managedFields when printing objects in JSON or YAML format.' },
];

/** `-f`, `-k`, `-R` as cmdutil.AddFilenameOptionFlags declares them. */
export function filenameFlags(usage: string): FlagSpec[] {
  return [
    { name: 'filename', short: 'f', type: 'strings', default: [], help: `Filename, directory, or URL to files ${usage}` },
    { name: 'kustomize', short: 'k', type: 'string', help: `Process the kustomization directory. This flag can't be used together with -f or -R.` },
    { name: 'recursive', short: 'R', type: 'bool', help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
  ];
}

/** `-l` as cmdutil.AddLabelSelectorFlagVar declares it. */
export const selectorFlag: FlagSpec = {
  name: 'selector',
  short: 'l',
  type: 'string',
  help: "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.",
};

/** `--field-manager` with the verb's default manager name. */
export function fieldManagerFlag(name: string): FlagSpec {
  return { name: 'field-manager', type: 'string', default: name, help: 'Name of the manager used to track field ownership.' };
}

/** cobra's check of a `MarkFlagRequired` flag, before the command runs. */
export function requireFlag(flags: Flags, name: string): void {
  if (!flags.has(name)) throw new CliError(`required flag(s) "${name}" not set`);
}

/** kubectl's GetDryRunStrategy (the deprecation warnings it logs through klog are not printed). */
export function dryRunStrategy(flags: Flags): DryRun {
  const v = flags.string('dry-run');
  switch (v) {
    case 'unchanged':
    case 'client':
      return 'client';
    case 'server':
      return 'server';
    case 'none':
    case '':
      return 'none';
  }
  if (/^(1|t|T|TRUE|true|True)$/.test(v)) return 'client';
  if (/^(0|f|F|FALSE|false|False)$/.test(v)) return 'none';
  throw new CliError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** The `-o` value ('' when not given). */
export function outputFormat(flags: Flags): string {
  return flags.has('output') ? flags.string('output') : '';
}

/** The line kubectl's name printer writes for an operation, with the dry-run suffix. */
export function actionLine(mapping: Pick<ResourceMapping, 'kind' | 'group'>, name: string, operation: string, dryRun: DryRun = 'none'): string {
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  return `${qualifiedName(mapping, name)} ${operation}${suffix}\n`;
}

/**
 * `json.MarshalIndent` of a typed Go object: fields in the order they were set (the struct's
 * order, which the generators follow), not sorted as for a decoded map.
 */
export function typedJson(v: unknown, pad = ''): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  const inner = `${pad}    `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + typedJson(x, inner)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${goJsonString(k)}: ${typedJson(x, inner)}`).join(',\n')}\n${pad}}`;
}

/**
 * Prints one result as kubectl's PrintFlags do: with `-o name` the qualified name alone, with
 * another `-o` the object, otherwise `<kind>.<group>/<name> <operation>`. `typed` objects (built
 * here, as kubectl builds Go structs) keep their field order in `-o json`.
 */
export function printObject(
  ctx: CommandContext,
  mapping: Pick<ResourceMapping, 'kind' | 'group'>,
  obj: KubeObject,
  operation: string,
  dryRun: DryRun = 'none',
  o: { typed?: boolean } = {},
): void {
  const output = outputFormat(ctx.flags);
  if (o.typed && output === 'json') {
    ctx.streams.stdout.write(`${typedJson(obj)}\n`);
    return;
  }
  const name = obj.metadata?.name ?? '';
  if (output === '') {
    ctx.streams.stdout.write(actionLine(mapping, name, operation, dryRun));
    return;
  }
  if (output === 'name') {
    ctx.streams.stdout.write(`${qualifiedName(mapping, name)}\n`);
    return;
  }
  ctx.streams.stdout.write(
    formatObjects([obj], output, {
      single: true,
      template: ctx.flags.has('template') ? ctx.flags.string('template') : undefined,
      showManagedFields: ctx.flags.bool('show-managed-fields'),
      allowMissingKeys: ctx.flags.bool('allow-missing-template-keys'),
    }),
  );
}
