/**
 * `kubectl replace -f FILE`: PUT each manifest object over the live one (its resourceVersion taken
 * from the server when the manifest has none), or with `--force` delete the objects, wait until
 * they are gone and create them again. `--save-config` records the last-applied annotation; an
 * annotation already in the manifest is refreshed. `--raw URI` PUTs a file as it is.
 */
import { readFileSync } from 'node:fs';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { originalConfiguration, withLastApplied } from '../apply/annotation.js';
import { goJson } from '../apply/go-compat.js';
import { CliError, isStatus } from '../errors.js';
import { byName } from './apply/flag-order.js';
import type { Command, CommandContext } from '../types.js';
import { cascadePolicy } from './apply/client-side.js';
import { asJson, loadObjects, type ManifestInfo } from './apply/objects.js';
import { addSourceToError } from './create.js';
import { dryRunFlagSpec, dryRunStrategy, printFlagSpecs, throwCollected, validateFlagSpec, validationDirective, type DryRun } from './create/options.js';
import { printResult } from './create/run.js';
import { kindString } from './delete.js';

/** `--save-config` creates the annotation; otherwise one the manifest carries is brought up to date. */
function annotate(obj: KubeObject, save: boolean): KubeObject {
  if (!save && originalConfiguration(asJson(obj)) === undefined) return obj;
  return withLastApplied(asJson(obj));
}

async function readStdinOrFile(ctx: CommandContext, file: string): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of ctx.streams.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function validate(ctx: CommandContext, dryRun: DryRun): void {
  const f = ctx.flags;
  const force = f.bool('force');
  if (f.int('grace-period') >= 0 && !force) throw new CliError('--grace-period must have --force specified');
  if (f.duration('timeout') !== 0 && !force) throw new CliError('--timeout must have --force specified');
  if (force && dryRun !== 'none') throw new CliError('--dry-run can not be used when --force is set');
  const raw = f.string('raw');
  if (raw !== '') {
    const files = f.strings('filename');
    if (files.length !== 1) throw new CliError('--raw can only use a single local file or stdin');
    if (/^https?:\/\//.test(files[0] ?? '')) throw new CliError('--raw cannot read from a url');
    if (f.bool('recursive')) throw new CliError('--raw and --recursive are mutually exclusive');
    if (f.string('output') !== '') throw new CliError('--raw and --output are mutually exclusive');
    if (!raw.startsWith('/')) throw new CliError(`--raw must be a valid URL path: parse ${JSON.stringify(raw)}: invalid URI for request`);
  }
}

async function put(ctx: CommandContext, info: ManifestInfo, obj: KubeObject, q: Record<string, string | undefined>, subresource: string): Promise<KubeObject> {
  const client = ctx.factory.client();
  const base = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
  const path = subresource ? `${base}/${subresource}` : base;
  let body = obj;
  if (!obj.metadata?.resourceVersion) {
    // kubectl's Helper.Replace: take the live resourceVersion; a failed GET sends the object as it is.
    try {
      const live = await client.request<KubeObject>({ method: 'GET', path });
      body = { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata?.resourceVersion } };
    } catch {
      body = obj;
    }
  }
  return client.request<KubeObject>({ method: 'PUT', path, query: q, body: goJson(body) });
}

async function runReplace(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  const dryRun = dryRunStrategy(f, ctx.streams.stderr);
  const validation = validationDirective(f);
  if (f.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  if (f.strings('filename').length === 0) throw new CliError('must specify one of -f and -k');
  validate(ctx, dryRun);
  const raw = f.string('raw');
  if (raw !== '') {
    const res = await ctx.factory.client().stream({ method: 'PUT', path: raw, body: await readStdinOrFile(ctx, f.strings('filename')[0] ?? '-') });
    for await (const chunk of res) ctx.streams.stdout.write(chunk as Buffer);
    return;
  }
  const { infos, errors } = await loadObjects(ctx, { filenames: f.strings('filename'), recursive: f.bool('recursive') });
  const q = { ...(dryRun === 'server' ? { dryRun: 'All' } : {}), fieldManager: f.string('field-manager'), fieldValidation: validation };
  const subresource = f.string('subresource');
  if (f.bool('force')) return forceReplace(ctx, infos, errors, q);
  for (const info of infos) {
    const obj = annotate(info.object, f.bool('save-config'));
    if (dryRun === 'client') {
      printResult(ctx, obj, 'replaced', dryRun);
      continue;
    }
    try {
      printResult(ctx, await put(ctx, info, obj, q, subresource), 'replaced', dryRun);
    } catch (e) {
      errors.push(addSourceToError('replacing', info.source, e));
    }
  }
  throwCollected(errors);
}

/** `--force`: delete everything first (printing as `delete` does), wait until gone, then create. */
async function forceReplace(ctx: CommandContext, infos: ManifestInfo[], errors: unknown[], q: Record<string, string | undefined>): Promise<void> {
  const f = ctx.flags;
  const client = ctx.factory.client();
  throwCollected(errors);
  const body: Record<string, unknown> = {};
  if (f.int('grace-period') >= 0) body['gracePeriodSeconds'] = f.int('grace-period');
  body['propagationPolicy'] = cascadePolicy(f.string('cascade'));
  const present: ManifestInfo[] = [];
  for (const info of infos) {
    const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
    try {
      await client.request({ method: 'DELETE', path, body });
    } catch (e) {
      if (isStatus(e, 404)) continue;
      throw e;
    }
    ctx.streams.stdout.write(`${kindString(info.mapping)} "${info.name}" deleted\n`);
    present.push(info);
  }
  const timeoutMs = f.duration('timeout') || 5 * 60_000;
  const deadline = Date.now() + timeoutMs;
  for (const info of present) {
    const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
    for (;;) {
      try {
        await client.request({ method: 'GET', path });
      } catch (e) {
        if (isStatus(e, 404)) break;
        throw e;
      }
      if (Date.now() >= deadline) throw new CliError('timed out waiting for the condition');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  let count = 0;
  for (const info of infos) {
    const obj = annotate(info.object, f.bool('save-config'));
    const created = await client.request<KubeObject>({ method: 'POST', path: resourcePath(info.mapping, { namespace: info.namespace || undefined }), query: q, body: goJson(obj) });
    count++;
    printResult(ctx, created, 'replaced', 'none');
  }
  if (count === 0) throw new CliError('no objects passed to replace');
}

export const command: Command = {
  name: 'replace',
  short: 'Replace a resource by file name or stdin',
  long: `Replace a resource by file name or stdin.

 JSON and YAML formats are accepted. If replacing an existing resource, the complete resource spec must be provided. This can be obtained by

        $ kubectl get TYPE NAME -o yaml`,
  usage: 'kubectl replace -f FILENAME',
  examples: `  # Replace a pod using the data in pod.json
  kubectl replace -f ./pod.json
  
  # Replace a pod based on the JSON passed into stdin
  cat pod.json | kubectl replace -f -
  
  # Update a single-container pod's image version (tag) to v4
  kubectl get pod mypod -o yaml | sed 's/\\(image: myimage\\):.*$/\\1:v4/' | kubectl replace -f -
  
  # Force replace, delete and then re-create the resource
  kubectl replace --force -f ./pod.json`,
  // kubectl (cobra) lists flags sorted by name.
  flags: byName([
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background', help: 'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.' },
    dryRunFlagSpec,
    { name: 'field-manager', type: 'string', default: 'kubectl-replace', help: 'Name of the manager used to track field ownership.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'The files that contain the configurations to replace.' },
    { name: 'force', type: 'bool', default: false, help: 'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.' },
    { name: 'grace-period', type: 'int', default: -1, help: 'Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process a kustomization directory. This flag can't be used together with -f or -R." },
    ...printFlagSpecs,
    { name: 'raw', type: 'string', default: '', help: 'Raw URI to PUT to the server.  Uses the transport specified by the kubeconfig file.' },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'save-config', type: 'bool', default: false, help: 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.' },
    { name: 'subresource', type: 'string', default: '', help: 'If specified, replace will operate on the subresource of the requested object. This flag is beta and may change in the future.' },
    { name: 'timeout', type: 'duration', default: '0s', help: 'The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object' },
    validateFlagSpec,
    { name: 'wait', type: 'bool', default: false, help: 'If true, wait for resources to be gone before returning. This waits for finalizers.' },
  ]),
  run: runReplace,
};
