/**
 * `kubectl patch (-f FILE | TYPE NAME) -p PATCH|--patch-file FILE [--type strategic|merge|json]`:
 * sends the patch (YAML is turned into JSON first, text starting with `{` goes as it is) and
 * prints `patched`, or `patched (no change)` when the object came back as it was read. With
 * `--dry-run=client` or `--local` the patch is applied here. kubectl's quirks kept: no dry-run
 * suffix on the printed line, a `-f` object is compared with the file rather than the live object.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { jsonEqual, isObject } from '../../api/patch/json.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge.js';
import { schemaForGVK } from '../../api/schema.js';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { goJson } from '../apply/go-compat.js';
import { selectResources } from '../builder.js';
import { CliError, isStatus } from '../errors.js';
import { byName } from './apply/flag-order.js';
import type { Command, CommandContext, ResourceInfo } from '../types.js';
import { dryRunFlagSpec, dryRunStrategy, printFlagSpecs, throwCollected } from './create/options.js';
import { printResult } from './create/run.js';
import { apiVersionOf, MISSING_RESOURCES } from './apply/objects.js';

const TYPES: Record<string, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** apimachinery's yaml.ToJSON: JSON-looking text is passed through, YAML is converted. */
export function patchToJson(text: string): string {
  if (text.trimStart().startsWith('{')) return text;
  let value: unknown;
  try {
    value = parseYaml(text, { version: '1.1' }) as unknown;
  } catch (e) {
    throw new CliError(`unable to parse ${JSON.stringify(text)}: yaml: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return goJson(value ?? null);
}

/** The patch applied here (`--local`, `--dry-run=client`), with kubectl's local error wording. */
function patchLocally(type: string, obj: KubeObject, patch: string, gvk: { group: string; version: string; kind: string }): KubeObject {
  const doc = JSON.parse(patch) as unknown;
  if (type === 'merge') return applyMergePatch(obj, doc) as KubeObject;
  if (type === 'strategic') {
    const schema = schemaForGVK(gvk.group, gvk.version, gvk.kind);
    if (!schema) throw new CliError(`strategic merge patch is not supported for ${gvk.group}/${gvk.version}, Kind=${gvk.kind} locally, try --type merge`);
    return applyStrategicMergePatch(obj, doc, { schemaName: schema.name }) as KubeObject;
  }
  let out: unknown = obj;
  for (const op of Array.isArray(doc) ? doc : [doc]) {
    try {
      out = applyJsonPatch(out, [op]);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const field = (k: string) => (isObject(op) && typeof op[k] === 'string' ? op[k] : '');
      const path = field('path');
      const missing = /doc is missing key: (.*)$/.exec(message);
      if (missing) throw new CliError(`Object to be patched is missing field (${missing[1] ?? ''})`);
      throw new CliError(`error in ${field('op')} for path: '${path}': ${message}`);
    }
  }
  return out as KubeObject;
}

function readPatch(ctx: CommandContext): string {
  const inline = ctx.flags.string('patch');
  const file = ctx.flags.string('patch-file');
  if (file === '') return inline;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`unable to read patch file: open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e)}`);
  }
}

async function runPatch(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  const dryRun = dryRunStrategy(f, ctx.streams.stderr);
  const local = f.bool('local');
  const type = f.string('type').toLowerCase() || 'strategic';
  if (f.string('patch') !== '' && f.string('patch-file') !== '') throw new CliError('cannot specify --patch and --patch-file together');
  if (f.string('patch') === '' && f.string('patch-file') === '') throw new CliError('must specify --patch or --patch-file containing the contents of the patch');
  if (local && ctx.args.length > 0) throw new CliError('cannot specify --local and server resources');
  if (local && dryRun === 'server') throw new CliError('cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
  if (!TYPES[type]) throw new CliError(`--type must be one of [json merge strategic], not ${JSON.stringify(f.string('type'))}`);
  const patch = patchToJson(readPatch(ctx));
  const filenames = f.strings('filename');
  if (ctx.args.length === 0 && filenames.length === 0) throw new CliError(MISSING_RESOURCES);
  if (ctx.args.length === 1 && !(ctx.args[0] ?? '').includes('/')) throw new CliError('resource(s) were provided, but no name was specified');
  const subresource = f.string('subresource');
  const { infos, errors } = await selectResources(ctx.factory, ctx.args, { filenames, recursive: f.bool('recursive') });
  let count = 0;
  for (const info of infos) {
    count++;
    try {
      await patchOne(ctx, info, { type, patch, dryRun, local, subresource, fromFile: filenames.length > 0 });
    } catch (e) {
      errors.push(e);
    }
  }
  throwCollected(errors);
  if (count === 0) throw new CliError('no objects passed to patch');
}

interface PatchRun {
  type: string;
  patch: string;
  dryRun: string;
  local: boolean;
  subresource: string;
  fromFile: boolean;
}

async function patchOne(ctx: CommandContext, info: ResourceInfo, o: PatchRun): Promise<void> {
  const client = ctx.factory.client();
  const { mapping } = info;
  const base = resourcePath(mapping, { namespace: info.namespace || undefined, name: info.name });
  const path = o.subresource ? `${base}/${o.subresource}` : base;
  // The builder reads named objects from the server; `-f` objects stay as the file has them.
  let before = o.fromFile ? withNamespace(info) : undefined;
  if (!before) before = await client.request<KubeObject>({ method: 'GET', path });
  if (o.local || o.dryRun === 'client') {
    const gvk = { group: mapping.group, version: mapping.version, kind: mapping.kind };
    const after = patchLocally(o.type, before, o.patch, gvk);
    printResult(ctx, after, jsonEqual(before, after) ? 'patched (no change)' : 'patched', 'none');
    return;
  }
  let after: KubeObject;
  try {
    after = await client.request<KubeObject>({
      method: 'PATCH',
      path,
      query: { ...(o.dryRun === 'server' ? { dryRun: 'All' } : {}), fieldManager: ctx.flags.string('field-manager') },
      body: o.patch,
      contentType: TYPES[o.type],
    });
  } catch (e) {
    if (isStatus(e, 415)) throw new CliError(`${TYPES[o.type] ?? ''} is not supported by ${mapping.group}/${mapping.version}, Kind=${mapping.kind}: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
  // kubectl loses the dry-run suffix here: the operation is set after the dry-run wording.
  printResult(ctx, after, jsonEqual(before, after) ? 'patched (no change)' : 'patched', 'none');
}

function withNamespace(info: ResourceInfo): KubeObject | undefined {
  const obj = info.object;
  if (!obj) return undefined;
  const apiVersion = obj.apiVersion ?? apiVersionOf(info.mapping);
  if (!info.mapping.namespaced || obj.metadata?.namespace) return { ...obj, apiVersion };
  return { ...obj, apiVersion, metadata: { ...obj.metadata, namespace: info.namespace } };
}

export const command: Command = {
  name: 'patch',
  short: 'Update fields of a resource',
  long: `Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.

 JSON and YAML formats are accepted.

 Note: Strategic merge patch is not supported for custom resources.`,
  usage: 'kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]',
  examples: `  # Partially update a node using a strategic merge patch, specifying the patch as JSON
  kubectl patch node k8s-node-1 -p '{"spec":{"unschedulable":true}}'
  
  # Partially update a node using a strategic merge patch, specifying the patch as YAML
  kubectl patch node k8s-node-1 -p $'spec:\\n unschedulable: true'
  
  # Partially update a node identified by the type and name specified in "node.json" using strategic merge patch
  kubectl patch -f node.json -p '{"spec":{"unschedulable":true}}'
  
  # Update a container's image; spec.containers[*].name is required because it's a merge key
  kubectl patch pod valid-pod -p '{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}'
  
  # Update a container's image using a JSON patch with positional arrays
  kubectl patch pod valid-pod --type='json' -p='[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]'
  
  # Update a deployment's replicas through the 'scale' subresource using a merge patch
  kubectl patch deployment nginx-deployment --subresource='scale' --type='merge' -p '{"spec":{"replicas":2}}'`,
  // kubectl (cobra) lists flags sorted by name.
  flags: byName([
    dryRunFlagSpec,
    { name: 'field-manager', type: 'string', default: 'kubectl-patch', help: 'Name of the manager used to track field ownership.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files identifying the resource to update' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    { name: 'local', type: 'bool', default: false, help: 'If true, patch will operate on the content of the file, not the server-side resource.' },
    ...printFlagSpecs,
    { name: 'patch', short: 'p', type: 'string', default: '', help: 'The patch to be applied to the resource JSON file.' },
    { name: 'patch-file', type: 'string', default: '', help: 'A file containing a patch to be applied to the resource.' },
    { name: 'record', type: 'bool', default: false, help: 'Record current kubectl command in the resource annotation.', hidden: true },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'subresource', type: 'string', default: '', help: 'If specified, patch will operate on the subresource of the requested object. This flag is beta and may change in the future.' },
    { name: 'type', type: 'string', default: 'strategic', help: 'The type of patch being provided; one of [json merge strategic]' },
  ]),
  run: runPatch,
};
