/**
 * The objects `apply` (and `replace`, `patch -f`) act on: the manifests of `-f`, filtered by
 * `-l`, each with its resource mapping and the namespace it goes to (written into the object, as
 * kubectl's builder does). Like kubectl's ContinueOnError builder, an object that cannot be mapped
 * or whose namespace clashes with `-n` becomes an error reported after the others were applied.
 */
import { manifestMapping } from '../../builder.js';
import { parseLabelSelector } from '../../../api/selectors.js';
import type { JsonObject } from '../../../api/patch/json.js';
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import { readManifests } from '../../manifests.js';
import type { CommandContext, ResourceInfo, ResourceMapping } from '../../types.js';

/** The resource builder's error when neither arguments nor `-f` name anything. */
export const MISSING_RESOURCES = `You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

/** An object from a manifest, ready to send. */
export interface ManifestInfo extends ResourceInfo {
  object: KubeObject;
  source: string;
}

/** Infos in manifest order, and the errors to report first (kubectl's builder errors). */
export interface LoadedObjects {
  infos: ManifestInfo[];
  errors: unknown[];
}

/** Reads `-f`/`-R`, applies `-l`, resolves kinds and namespaces. */
export async function loadObjects(ctx: CommandContext, o: { filenames: string[]; recursive: boolean; selector?: string }): Promise<LoadedObjects> {
  const selector = o.selector ? parseLabelSelector(o.selector) : undefined;
  if (selector && !selector.ok) throw new CliError(selector.error);
  const manifests = await readManifests(o.filenames, { recursive: o.recursive, stdin: ctx.streams.stdin });
  const mapper = await ctx.factory.mapper();
  const { namespace, explicit } = ctx.factory.namespace();
  const infos: ManifestInfo[] = [];
  const clashes: unknown[] = [];
  const unmapped: unknown[] = [];
  for (const { object, source } of manifests) {
    let mapping: ResourceMapping;
    try {
      mapping = await manifestMapping(mapper, object, source);
    } catch (e) {
      // The builder reports unknown kinds after everything else, with the object and the file named.
      if (!(e instanceof CliError)) throw e;
      unmapped.push(e);
      continue;
    }
    if (selector?.ok && !selector.value.matches(object.metadata?.labels)) continue;
    let obj = object;
    let ns = '';
    if (mapping.namespaced) {
      const own = obj.metadata?.namespace;
      if (explicit && own && own !== namespace) {
        clashes.push(new CliError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`));
        continue;
      }
      ns = own || namespace;
      if (!own) obj = { ...obj, metadata: { ...obj.metadata, namespace: ns } };
    }
    infos.push({ mapping, namespace: ns, name: obj.metadata?.name ?? '', object: obj, source });
  }
  return { infos, errors: [...clashes, ...unmapped] };
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(mapping: Pick<ResourceMapping, 'group' | 'version'>): string {
  return mapping.group ? `${mapping.group}/${mapping.version}` : mapping.version;
}

/** kubectl's `Info.String()`, quoted into some error messages. */
export function infoString(info: Pick<ResourceInfo, 'mapping' | 'name' | 'namespace'>): string {
  const m = info.mapping;
  return `Resource: "${m.group}/${m.version}, Resource=${m.resource}", GroupVersionKind: "${m.group}/${m.version}, Kind=${m.kind}"\nName: ${JSON.stringify(info.name)}, Namespace: ${JSON.stringify(info.namespace)}`;
}

/** The object as a JSON map (KubeObject is a JSON document). */
export const asJson = (o: KubeObject): JsonObject => o as unknown as JsonObject;
