/**
 * `kubectl apply view-last-applied` (print the last-applied annotation of live objects as YAML or
 * JSON) and `kubectl apply set-last-applied -f FILE` (make a file's content the annotation without
 * changing anything else, with a JSON merge patch), with kubectl 1.32's output and wording,
 * including its quirks: a missing annotation is skipped silently for objects named on the command
 * line but reported (with a Go `<nil>`) for objects from files.
 */
import type { KubeObject } from '../../../client/types.js';
import { resourcePath } from '../../../client/paths.js';
import { LAST_APPLIED, originalConfiguration } from '../../apply/annotation.js';
import { goJson } from '../../apply/go-compat.js';
import { selectResources } from '../../builder.js';
import { CliError, isStatus, UsageError } from '../../errors.js';
import { formatObjects, printAction } from '../../printers/output.js';
import { toYaml } from '../../printers/yaml.js';
import type { Command, CommandContext } from '../../types.js';
import { addSourceToError } from '../create.js';
import { dryRunFlagSpec, dryRunStrategy, printFlagSpecs } from '../create/options.js';
import { byName } from './flag-order.js';
import { asJson, infoString, loadObjects, MISSING_RESOURCES } from './objects.js';


/**
 * Go's json.Indent: the text re-indented token by token (numbers and escapes kept as written),
 * leading whitespace dropped, trailing whitespace kept.
 */
export function indentJson(text: string, indent: string): string {
  const body = text.replace(/^\s+/, '');
  const trailing = /\s*$/.exec(body)?.[0] ?? '';
  const src = body.slice(0, body.length - trailing.length);
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = () => `\n${indent.repeat(depth)}`;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (inString) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (/\s/.test(src[j] ?? '')) j++;
      if (src[j] === close) {
        out += c + close;
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out + trailing;
}

async function runView(ctx: CommandContext): Promise<void> {
  const output = ctx.flags.string('output');
  const filenames = ctx.flags.strings('filename');
  if (ctx.args.length === 0 && filenames.length === 0) throw new CliError(MISSING_RESOURCES);
  const { infos, errors } = await selectResources(ctx.factory, ctx.args, {
    filenames,
    recursive: ctx.flags.bool('recursive'),
    selector: ctx.flags.string('selector') || undefined,
    all: ctx.flags.bool('all'),
    fetch: true,
  });
  if (errors.length > 0) throw errors[0];
  const configs: string[] = [];
  for (const info of infos) {
    const config = info.object ? originalConfiguration(asJson(info.object)) : undefined;
    if (config === undefined) {
      // kubectl wraps a nil error here: by name nothing is reported, from a file a `<nil>` error.
      if (info.source) throw new CliError(`error when no last-applied-configuration annotation found on resource: ${info.name}\n ${JSON.stringify(info.source)}: <nil>`);
      continue;
    }
    configs.push(config);
  }
  for (const config of configs) {
    if (output === 'json') ctx.streams.stdout.write(indentJson(config, '  '));
    else if (output === 'yaml') ctx.streams.stdout.write(toYaml(JSON.parse(config) as KubeObject));
    else throw new UsageError(`Unexpected -o output mode: ${output}, the flag 'output' must be one of yaml|json`);
  }
}

/** The manifest's JSON as kubectl records it here (as encoded: sorted keys and a newline, no `annotations: {}` added). */
const configOf = (obj: KubeObject): string => `${goJson(obj)}\n`;

async function runSet(ctx: CommandContext): Promise<void> {
  const dryRun = dryRunStrategy(ctx.flags, ctx.streams.stderr);
  const output = ctx.flags.string('output');
  const filenames = ctx.flags.strings('filename');
  if (filenames.length === 0) throw new CliError(MISSING_RESOURCES);
  const { infos, errors } = await loadObjects(ctx, { filenames, recursive: false });
  if (errors.length > 0) throw errors[0];
  const pending: { path: string; patch: string; live: KubeObject }[] = [];
  for (const info of infos) {
    const config = configOf(info.object);
    const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
    let live: KubeObject;
    try {
      live = await ctx.factory.client().request<KubeObject>({ method: 'GET', path });
    } catch (e) {
      if (isStatus(e, 404)) throw e;
      throw addSourceToError(`retrieving current configuration of:\n${infoString(info)}\nfrom server for:`, info.source, e);
    }
    const original = originalConfiguration(asJson(live));
    if (original === undefined && !ctx.flags.bool('create-annotation')) {
      throw new CliError(`no last-applied-configuration annotation found on resource: ${info.name}, to create the annotation, run the command with --create-annotation`);
    }
    if (original !== undefined && sameJson(original, config)) {
      ctx.streams.stdout.write(`set-last-applied ${info.name}: no changes required.\n`);
      continue;
    }
    pending.push({ path, patch: goJson({ metadata: { annotations: { [LAST_APPLIED]: config } } }), live });
  }
  for (const { path, patch, live } of pending) {
    let obj = live;
    if (dryRun !== 'client') {
      obj = await ctx.factory.client().request<KubeObject>({
        method: 'PATCH',
        path,
        query: dryRun === 'server' ? { dryRun: 'All' } : undefined,
        body: patch,
        contentType: 'application/merge-patch+json',
      });
    }
    if (output !== '' && output !== 'name') {
      ctx.streams.stdout.write(formatObjects([obj], output, { single: true, template: ctx.flags.string('template') || undefined, showManagedFields: ctx.flags.bool('show-managed-fields') }));
    } else if (output === 'name') {
      ctx.streams.stdout.write(formatObjects([obj], 'name', { single: true }));
    } else {
      printAction(ctx.streams.stdout, obj, 'configured', dryRun === 'none' ? undefined : dryRun);
    }
  }
}

/** Two JSON texts with the same content (kubectl compares them after a YAML round trip). */
function sameJson(a: string, b: string): boolean {
  try {
    return goJson(JSON.parse(a)) === goJson(JSON.parse(b));
  } catch {
    return a.trim() === b.trim();
  }
}

const filenameFlags = [
  { name: 'filename', short: 'f', type: 'strings' as const, default: [], help: 'Filename, directory, or URL to files that contains the last-applied-configuration annotations' },
  { name: 'kustomize', short: 'k', type: 'string' as const, default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
  { name: 'recursive', short: 'R', type: 'bool' as const, default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
];

export const viewLastApplied: Command = {
  name: 'view-last-applied',
  short: 'View the latest last-applied-configuration annotations of a resource/object',
  long: `View the latest last-applied-configuration annotations by type/name or file.

 The default output will be printed to stdout in YAML format. You can use the -o option to change the output format.`,
  usage: 'kubectl apply view-last-applied (TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME)',
  examples: `  # View the last-applied-configuration annotations by type/name in YAML
  kubectl apply view-last-applied deployment/nginx
  
  # View the last-applied-configuration annotations by file in JSON
  kubectl apply view-last-applied -f deploy.yaml -o json`,
  flags: byName([
    { name: 'all', type: 'bool', default: false, help: 'Select all resources in the namespace of the specified resource types' },
    ...filenameFlags,
    { name: 'output', short: 'o', type: 'string', default: 'yaml', help: 'Output format. Must be one of (yaml, json)' },
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
  ]),
  run: runView,
};

export const setLastApplied: Command = {
  name: 'set-last-applied',
  short: 'Set the last-applied-configuration annotation on a live object to match the contents of a file',
  long: `Set the latest last-applied-configuration annotations by setting it to match the contents of a file. This results in the last-applied-configuration being updated as though 'kubectl apply -f<file> ' was run, without updating any other parts of the object.`,
  usage: 'kubectl apply set-last-applied -f FILENAME',
  examples: `  # Set the last-applied-configuration of a resource to match the contents of a file
  kubectl apply set-last-applied -f deploy.yaml
  
  # Execute set-last-applied against each configuration file in a directory
  kubectl apply set-last-applied -f path/
  
  # Set the last-applied-configuration of a resource to match the contents of a file; will create the annotation if it does not already exist
  kubectl apply set-last-applied -f deploy.yaml --create-annotation=true`,
  flags: byName([
    { name: 'create-annotation', type: 'bool', default: false, help: "Will create 'last-applied-configuration' annotations if current objects doesn't have one" },
    dryRunFlagSpec,
    ...filenameFlags.filter((f) => f.name === 'filename'),
    ...printFlagSpecs,
  ]),
  run: runSet,
};
