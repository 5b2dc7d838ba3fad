/**
 * The shared run of `kubectl label` and `kubectl annotate`: select the objects (live, as the
 * builder's Latest() does), change their labels or annotations, send the difference as a JSON
 * merge patch (fieldManager kubectl-label / kubectl-annotate), and print what kubectl prints:
 * `pod/x labeled|not labeled|unlabeled`, `pod/x annotated`, or the maps with `--list`.
 */
import { statSync } from 'node:fs';
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { selectResources } from '../../builder.js';
import { CliError } from '../../errors.js';
import { readManifests } from '../../manifests.js';
import type { CommandContext, FlagSpec, ResourceInfo } from '../../types.js';
import { goJSON } from '../create/gojson.js';
import { dryRunFlagSpec, dryRunStrategy, fieldManagerFlagSpec, printFlagSpecs, throwCollected, type DryRun } from '../create/options.js';
import { printResult } from '../create/run.js';
import { checkSelection, singleItemImplied } from '../delete/selection.js';
import { applyChanges, checkAnnotationConflicts, createMergePatch, parseAnnotationChanges, parseLabelChanges, splitResourcesAndPairs, type Changes, type MetadataVerb } from './pairs.js';

interface VerbWords {
  /** `label` / `annotation`, as in kubectl's messages. */
  noun: string;
  /** metadata field changed. */
  field: 'labels' | 'annotations';
  /** `-f` example in the "local" errors. */
  fileExample: string;
}

const WORDS: Record<MetadataVerb, VerbWords> = {
  label: { noun: 'label', field: 'labels', fileExample: '-f pod.yaml or --filename=pod.json' },
  annotate: { noun: 'annotation', field: 'annotations', fileExample: '-f rsrc.yaml or --filename=rsrc.json' },
};

/** The flags both verbs take. */
export function metadataFlags(verb: MetadataVerb): FlagSpec[] {
  const noun = WORDS[verb].noun;
  return [
    ...printFlagSpecs,
    { name: 'overwrite', type: 'bool', default: false, help: `If true, allow ${noun}s to be overwritten, otherwise reject ${noun} updates that overwrite existing ${noun}s.` },
    { name: 'list', type: 'bool', default: false, help: `If true, display the ${noun}s for a given resource.` },
    { name: 'local', type: 'bool', default: false, help: `If true, ${noun} will NOT contact api-server but run locally.` },
    { name: 'field-selector', type: 'string', default: '', help: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type." },
    { name: 'all', type: 'bool', default: false, help: verb === 'label' ? 'Select all resources, in the namespace of the specified resource types' : 'Select all resources, in the namespace of the specified resource types.' },
    { name: 'all-namespaces', short: 'A', type: 'bool', default: false, help: 'If true, check the specified action in all namespaces.' },
    { name: 'resource-version', type: 'string', default: '', help: `If non-empty, the ${noun}s update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.` },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: `Filename, directory, or URL to files identifying the resource to update the ${noun}s` },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    dryRunFlagSpec,
    fieldManagerFlagSpec(verb === 'label' ? 'kubectl-label' : 'kubectl-annotate'),
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'record', type: 'bool', default: false, hidden: true, help: 'Record current kubectl command in the resource annotation.' },
  ];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The checks kubectl makes before selecting anything, in its order. */
function parseInput(ctx: CommandContext, verb: MetadataVerb): { resources: string[]; changes: Changes } {
  const { flags } = ctx;
  const w = WORDS[verb];
  const { resources, pairs } = splitResourcesAndPairs(ctx.args, w.noun);
  const changes = verb === 'label' ? parseLabelChanges(pairs) : parseAnnotationChanges(pairs);
  const list = flags.bool('list');
  if (list && flags.string('output') !== '') throw new CliError('--list and --output may not be specified together');
  if (flags.bool('all') && flags.string('selector') !== '') throw new CliError('cannot set --all and --selector at the same time');
  if (flags.bool('all') && flags.string('field-selector') !== '') throw new CliError('cannot set --all and --field-selector at the same time');
  const filenames = flags.strings('filename');
  if (flags.bool('local')) {
    if (flags.string('dry-run') === 'server') throw new CliError('cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
    if (resources.length > 0) throw new CliError(`can only use local files by ${w.fileExample} when --local=true is set`);
    if (filenames.length === 0) throw new CliError(`one or more files must be specified as ${w.fileExample}`);
  } else if (resources.length < 1 && filenames.length === 0) {
    throw new CliError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  }
  if (changes.set.size < 1 && changes.remove.length < 1 && !list) throw new CliError(`at least one ${w.noun} update is required`);
  if (verb === 'annotate') checkAnnotationConflicts(changes);
  return { resources, changes };
}

/** The objects to change: live ones from the server, or the files' own with `--local`. */
async function select(ctx: CommandContext, resources: string[]): Promise<{ infos: ResourceInfo[]; errors: unknown[] }> {
  const { flags } = ctx;
  const filenames = flags.strings('filename');
  if (flags.bool('local')) {
    const manifests = await readManifests(filenames, { recursive: flags.bool('recursive'), stdin: ctx.streams.stdin });
    const mapper = await ctx.factory.mapper();
    const infos: ResourceInfo[] = [];
    for (const m of manifests) {
      const mapping = await mapper.forKind(m.object.apiVersion ?? '', m.object.kind ?? '');
      infos.push({ mapping, namespace: m.object.metadata?.namespace ?? '', name: m.object.metadata?.name ?? '', object: m.object, source: m.source });
    }
    return { infos, errors: [] };
  }
  const all = flags.bool('all');
  const selector = flags.string('selector');
  const fieldSelector = flags.string('field-selector');
  checkSelection(resources, { all, selector, fieldSelector, filenames });
  return selectResources(ctx.factory, resources, {
    filenames,
    recursive: flags.bool('recursive'),
    selector,
    fieldSelector,
    all,
    allNamespaces: flags.bool('all-namespaces'),
    fetch: true,
  });
}

function labelMessage(oldJSON: string, newJSON: string, overwrite: boolean): string {
  if (oldJSON === newJSON) return 'not labeled';
  return !overwrite && newJSON.length < oldJSON.length ? 'unlabeled' : 'labeled';
}

/** Runs `kubectl label` or `kubectl annotate`. */
export async function runMetadataUpdate(ctx: CommandContext, verb: MetadataVerb): Promise<void> {
  const { flags, streams } = ctx;
  const w = WORDS[verb];
  const dryRun: DryRun = dryRunStrategy(flags, streams.stderr);
  const { resources, changes } = parseInput(ctx, verb);
  if (flags.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  const resourceVersion = flags.string('resource-version');
  const one = singleItemImplied(resources, flags.strings('filename'), isDir);
  const selected = await select(ctx, resources);
  if (!one && resourceVersion !== '') throw new CliError('--resource-version may only be used with a single resource');
  const list = flags.bool('list');
  const local = flags.bool('local');
  const overwrite = flags.bool('overwrite');
  const output = flags.string('output');
  const errors: unknown[] = [...selected.errors];
  let printed = 0;
  for (const info of selected.infos) {
    const obj = structuredClone(info.object ?? {}) as Record<string, unknown> & { metadata: Record<string, unknown> };
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (resourceVersion !== '') delete obj.metadata['resourceVersion'];
    const oldJSON = goJSON(obj, { sortKeys: true });
    const before = structuredClone(obj);
    let shown = obj as KubeObject;
    let message = 'annotated';
    try {
      if (verb === 'label' && !(dryRun === 'client' || local || list)) {
        const current = (obj.metadata[w.field] ?? {}) as Record<string, string>;
        for (const k of changes.remove) if (!Object.hasOwn(current, k)) streams.stdout.write(`label ${JSON.stringify(k)} not found.\n`);
      }
      obj.metadata[w.field] = applyChanges(verb, obj.metadata[w.field] as Record<string, string> | undefined, changes, overwrite);
      if (resourceVersion !== '') obj.metadata['resourceVersion'] = resourceVersion;
      const newJSON = goJSON(obj, { sortKeys: true });
      if (verb === 'label') message = labelMessage(oldJSON, newJSON, overwrite);
      if (!(dryRun === 'client' || local || list)) {
        const res = await ctx.factory.client().request<KubeObject>({
          method: 'PATCH',
          path: resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name }),
          query: { ...(dryRun === 'server' ? { dryRun: 'All' } : {}), fieldManager: flags.string('field-manager') || undefined },
          contentType: 'application/merge-patch+json',
          body: createMergePatch(before, obj),
        });
        // label prints its own copy of the object; annotate prints what the server returned.
        if (verb === 'annotate') shown = res;
      }
    } catch (e) {
      errors.push(e);
      continue;
    }
    if (list) {
      const map = shown.metadata?.[w.field] ?? {};
      const indent = one ? '' : ' ';
      if (!one) streams.stdout.write(`Listing ${w.field} for ${info.mapping.kind}.${info.mapping.group}/${info.name}:\n`);
      // Go prints a map in random order; sorted keys keep ours stable.
      for (const k of Object.keys(map).sort()) streams.stdout.write(`${indent}${k}=${map[k] ?? ''}\n`);
      continue;
    }
    // annotate keeps one YAML printer (documents separated); label makes one per object (none).
    if (verb === 'annotate' && printed > 0 && output === 'yaml') streams.stdout.write('---\n');
    printed++;
    printResult(ctx, shown, message, dryRun);
  }
  throwCollected(errors);
}
