/**
 * `kubectl create -f FILE|DIR|URL|-`: POSTs each object of the manifests (fieldManager
 * kubectl-create, fieldValidation from `--validate`), reporting each failure and carrying on with
 * the rest, as kubectl's ContinueOnError builder does. The generators (`create deployment`, …)
 * are subcommands in `create/`.
 */
import { manifestMapping } from '../builder.js';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../api/errors.js';
import { parseLabelSelector } from '../../api/selectors.js';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { CliError, UsageError } from '../errors.js';
import { readManifests } from '../manifests.js';
import type { Command, CommandContext, ResourceMapping } from '../types.js';
import { clusterrolebinding, rolebinding } from './create/binding.js';
import { configmap } from './create/configmap.js';
import { deployment } from './create/deployment.js';
import { goJSON } from './create/gojson.js';
import { ingress } from './create/ingress.js';
import { cronjob, job } from './create/job.js';
import { namespace, serviceaccount } from './create/namespace.js';
import { dryRunFlagSpec, dryRunStrategy, fieldManagerFlagSpec, printFlagSpecs, saveConfigFlagSpec, throwCollected, validateFlagSpec, validationDirective } from './create/options.js';
import { poddisruptionbudget } from './create/pdb.js';
import { priorityclass, quota } from './create/quota.js';
import { clusterrole, role } from './create/role.js';
import { LAST_APPLIED, printResult } from './create/run.js';
import { secret } from './create/secret.js';
import { service } from './create/service.js';
import { token } from './create/token.js';

/** kubectl's wording for a failure tied to a manifest: the Status keeps its reason. */
export function addSourceToError(verb: string, source: string, e: unknown): unknown {
  if (!source) return e;
  if (e instanceof ApiError) return new ApiError({ ...e.status, message: `error when ${verb} ${JSON.stringify(source)}: ${e.status.message ?? e.message}` });
  if (e instanceof CliError) return new CliError(`error when ${verb} ${JSON.stringify(source)}: ${e.message}`, e.options);
  return new CliError(`error when ${verb} ${JSON.stringify(source)}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * `--save-config` on an object read from a manifest (unstructured in kubectl): the annotation is
 * the object's JSON with sorted keys and an `annotations` map that is present even when empty.
 */
export function withUnstructuredApplyAnnotation(obj: KubeObject): KubeObject {
  const meta = { ...(obj.metadata ?? {}) } as Record<string, unknown>;
  const annotations = { ...((meta['annotations'] as Record<string, string> | undefined) ?? {}) };
  delete annotations[LAST_APPLIED];
  const json = `${goJSON({ ...obj, metadata: { ...meta, annotations } }, { sortKeys: true })}\n`;
  return { ...obj, metadata: { ...meta, annotations: { ...annotations, [LAST_APPLIED]: json } } };
}

/** `--raw URI -f FILE`: POST the file as it is and copy the answer to stdout. */
async function rawPost(ctx: CommandContext, uri: string, file: string): Promise<void> {
  let body: string;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of ctx.streams.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    body = Buffer.concat(chunks).toString('utf8');
  } else {
    body = readFileSync(file, 'utf8');
  }
  const res = await ctx.factory.client().stream({ method: 'POST', path: uri, body });
  for await (const chunk of res) ctx.streams.stdout.write(chunk as Buffer);
}

function validateRaw(ctx: CommandContext, raw: string, filenames: string[]): void {
  if (ctx.flags.bool('edit')) throw new CliError('--raw and --edit are mutually exclusive');
  if (filenames.length !== 1) throw new CliError('--raw can only use a single local file or stdin');
  if (/^https?:\/\//.test(filenames[0] ?? '')) throw new CliError('--raw cannot read from a url');
  if (ctx.flags.bool('recursive')) throw new CliError('--raw and --recursive are mutually exclusive');
  if (ctx.flags.string('selector') !== '') throw new CliError('--raw and --selector (-l) are mutually exclusive');
  if (ctx.flags.string('output') !== '') throw new CliError('--raw and --output are mutually exclusive');
  if (!raw.startsWith('/')) throw new CliError(`--raw must be a valid URL path: parse ${JSON.stringify(raw)}: invalid URI for request`);
}

async function runCreate(ctx: CommandContext): Promise<number | void> {
  if (ctx.args.length > 0) throw new UsageError(`Unexpected args: [${ctx.args.join(' ')}]`);
  const dryRun = dryRunStrategy(ctx.flags, ctx.streams.stderr);
  const directive = validationDirective(ctx.flags);
  const filenames = ctx.flags.strings('filename');
  if (ctx.flags.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  if (filenames.length === 0) throw new CliError('must specify one of -f and -k');
  const raw = ctx.flags.string('raw');
  if (raw !== '') {
    validateRaw(ctx, raw, filenames);
    return rawPost(ctx, raw, filenames[0] ?? '-');
  }
  if (ctx.flags.bool('edit')) throw new CliError('--edit is not supported by k8ts kubectl create; create the object, then use kubectl edit');
  const manifests = await readManifests(filenames, { recursive: ctx.flags.bool('recursive'), stdin: ctx.streams.stdin });
  const selectorText = ctx.flags.string('selector');
  const selector = selectorText ? parseLabelSelector(selectorText) : undefined;
  if (selector && !selector.ok) throw new CliError(selector.error);
  const mapper = await ctx.factory.mapper();
  const { namespace, explicit } = ctx.factory.namespace();
  const output = ctx.flags.string('output');
  const errors: unknown[] = [];
  const mappingErrors: unknown[] = [];
  let count = 0;
  for (const { object, source } of manifests) {
    if (selector?.ok && !selector.value.matches(object.metadata?.labels)) continue;
    let mapping: ResourceMapping;
    try {
      mapping = await manifestMapping(mapper, object, source);
    } catch (e) {
      // The builder reports unknown kinds after everything else, with the object and the file named.
      if (!(e instanceof CliError)) throw e;
      mappingErrors.push(e);
      continue;
    }
    let obj = object;
    const own = obj.metadata?.namespace;
    if (mapping.namespaced) {
      if (explicit && own && own !== namespace) {
        errors.push(new CliError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`));
        continue;
      }
      // The builder's DefaultNamespace: the object carries the namespace it is created in.
      if (!own) obj = { ...obj, metadata: { ...obj.metadata, namespace } };
    }
    if (ctx.flags.bool('save-config')) obj = withUnstructuredApplyAnnotation(obj);
    if (dryRun !== 'client') {
      try {
        obj = await ctx.factory.client().request<KubeObject>({
          method: 'POST',
          path: resourcePath(mapping, { namespace: mapping.namespaced ? obj.metadata?.namespace : undefined }),
          query: { ...(dryRun === 'server' ? { dryRun: 'All' } : {}), fieldManager: ctx.flags.string('field-manager') || undefined, fieldValidation: directive },
          body: obj,
        });
      } catch (e) {
        errors.push(addSourceToError('creating', source, e));
        continue;
      }
    }
    // kubectl's YAML printer separates the documents it prints in one run.
    if (count > 0 && output === 'yaml') ctx.streams.stdout.write('---\n');
    count++;
    printResult(ctx, obj, 'created', dryRun);
  }
  throwCollected([...errors, ...mappingErrors]);
  if (count === 0) throw new CliError('no objects passed to create');
}

export const command: Command = {
  name: 'create',
  short: 'Create a resource from a file or from stdin',
  long: `Create a resource from a file or from stdin.

 JSON and YAML formats are accepted.`,
  usage: 'kubectl create -f FILENAME',
  examples: `  # Create a pod using the data in pod.json
  kubectl create -f ./pod.json

  # Create a pod based on the JSON passed into stdin
  cat pod.json | kubectl create -f -

  # Edit the data in registry.yaml in JSON then create the resource using the edited data
  kubectl create -f registry.yaml --edit -o json`,
  flags: [
    ...printFlagSpecs,
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files to use to create the resource' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    validateFlagSpec,
    { name: 'edit', type: 'bool', default: false, help: 'Edit the API resource before creating' },
    { name: 'windows-line-endings', type: 'bool', default: false, help: 'Only relevant if --edit=true. Defaults to the line ending native to your platform.' },
    saveConfigFlagSpec,
    dryRunFlagSpec,
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'raw', type: 'string', default: '', help: 'Raw URI to POST to the server.  Uses the transport specified by the kubeconfig file.' },
    fieldManagerFlagSpec('kubectl-create'),
    { name: 'record', type: 'bool', default: false, hidden: true, help: 'Record current kubectl command in the resource annotation.' },
  ],
  subcommands: [clusterrole, clusterrolebinding, configmap, cronjob, deployment, ingress, job, namespace, poddisruptionbudget, priorityclass, quota, role, rolebinding, secret, service, serviceaccount, token],
  run: runCreate,
};
