/**
 * The object a streaming verb's argument names, read from the API: `NAME` (a pod), `TYPE/NAME`,
 * `TYPE NAME`, or the first object of `-f` manifests. Shared by exec, attach, port-forward and logs.
 */
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';
import { readManifests } from '../manifests.js';
import { resourcePath } from '../../client/paths.js';
import type { Factory } from '../types.js';
import { getObject, splitTypeName } from './pods.js';

/** Reads the object `arg` names (`NAME` is a pod), in the command's namespace. */
export async function objectForArg(f: Factory, arg: string): Promise<KubeObject> {
  const { type, name } = splitTypeName(arg);
  return (await getObject(f, type, name, f.namespace().namespace)).object;
}

/** `TYPE NAME` given as two arguments (attach). */
export async function objectForTypeAndName(f: Factory, type: string, name: string): Promise<KubeObject> {
  return (await getObject(f, type, name, f.namespace().namespace)).object;
}

/** The live object of the first manifest in `-f` files (exec -f). */
export async function objectForFiles(f: Factory, filenames: string[]): Promise<KubeObject> {
  const manifests = await readManifests(filenames, { stdin: f.streams.stdin });
  const first = manifests[0];
  if (!first) throw new CliError('no objects passed to exec');
  if (manifests.length > 1) throw new CliError('cannot exec into multiple objects at a time');
  const obj = first.object;
  const mapping = await (await f.mapper()).forKind(obj.apiVersion ?? '', obj.kind ?? '');
  const { namespace, explicit } = f.namespace();
  const ns = obj.metadata?.namespace && !explicit ? obj.metadata.namespace : namespace;
  const name = obj.metadata?.name;
  if (!name) throw new CliError(`resource name may not be empty`);
  const live = await f.client().request<KubeObject>({ method: 'GET', path: resourcePath(mapping, { namespace: mapping.namespaced ? ns : undefined, name }) });
  live.apiVersion ??= obj.apiVersion;
  live.kind ??= obj.kind;
  return live;
}
