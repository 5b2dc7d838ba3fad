/**
 * Turns a verb's arguments into the objects it acts on, as kubectl's resource builder does:
 * `TYPE NAME…`, `TYPE/NAME…`, `TYPE[,TYPE…]` listed (with `-l`, `--field-selector`, `--all`,
 * `-A`), categories such as `all`, and `-f` manifests. A name that is not found becomes an error
 * in the result, so the verb can act on the others first and report it after, as kubectl does.
 */
import { resourcePath } from '../client/paths.js';
import type { KubeList, KubeObject } from '../client/types.js';
import { readManifests } from './manifests.js';
import { CliError, UsageError } from './errors.js';
import type { Factory, ResourceInfo, ResourceMapping, RestMapper } from './types.js';

/** Options of {@link selectResources}. */
export interface SelectOptions {
  filenames?: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  /** GET named objects (and keep listed ones) so `info.object` is the live object. */
  fetch?: boolean;
}

/** `deployment.apps/web`, `pod/nginx`: how kubectl names an object in its output. */
export function qualifiedName(mapping: Pick<ResourceMapping, 'kind' | 'group'>, name: string): string {
  return `${mapping.kind.toLowerCase()}${mapping.group ? `.${mapping.group}` : ''}/${name}`;
}

/** `deployments.apps`, `pods`: a resource with its group, as in `deployments.apps "web" not found`. */
export function groupResource(mapping: Pick<ResourceMapping, 'resource' | 'group'>): string {
  return mapping.group ? `${mapping.resource}.${mapping.group}` : mapping.resource;
}

/**
 * The mapping of a manifest's object; an unknown kind is a CliError naming the object and its file,
 * as kubectl words it (`resource mapping not found for name: "web" namespace: "" from "x.yaml": …`).
 */
export async function manifestMapping(mapper: RestMapper, object: KubeObject, source: string): Promise<ResourceMapping> {
  try {
    return await mapper.forKind(object.apiVersion ?? '', object.kind ?? '');
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    const where = `name: ${JSON.stringify(object.metadata?.name ?? '')} namespace: ${JSON.stringify(object.metadata?.namespace ?? '')} from ${JSON.stringify(source)}`;
    throw new CliError(e.message.replace('name: "" namespace: "" from ""', where), e.options);
  }
}

/** Resolves a comma-separated type list; categories (`all`) expand to their members. */
export async function resolveTypes(f: Factory, text: string): Promise<ResourceMapping[]> {
  const mapper = await f.mapper();
  const out: ResourceMapping[] = [];
  for (const t of text.split(',').filter((x) => x !== '')) {
    try {
      out.push(await mapper.resolve(t));
    } catch (e) {
      const members = mapper.category(t.toLowerCase());
      if (members.length === 0) throw e;
      out.push(...members);
    }
  }
  return out;
}

/** Lists one type with the selectors, across namespaces when asked; items get kind and apiVersion. */
export async function listObjects(f: Factory, mapping: ResourceMapping, o: { namespace?: string; selector?: string; fieldSelector?: string }): Promise<KubeList<KubeObject>> {
  const list = await f.client().request<KubeList<KubeObject>>({
    method: 'GET',
    path: resourcePath(mapping, { namespace: mapping.namespaced ? o.namespace : undefined }),
    query: { labelSelector: o.selector || undefined, fieldSelector: o.fieldSelector || undefined },
  });
  const apiVersion = mapping.group ? `${mapping.group}/${mapping.version}` : mapping.version;
  list.items = (list.items ?? []).map((item) => ({ ...item, apiVersion: item.apiVersion ?? apiVersion, kind: item.kind ?? mapping.kind }));
  return list;
}

async function fromFiles(f: Factory, o: SelectOptions): Promise<{ infos: ResourceInfo[]; errors: unknown[] }> {
  const mapper = await f.mapper();
  const { namespace, explicit } = f.namespace();
  const infos: ResourceInfo[] = [];
  const errors: unknown[] = [];
  for (const m of await readManifests(o.filenames ?? [], { recursive: o.recursive, stdin: f.streams.stdin })) {
    const obj = m.object;
    const mapping = await manifestMapping(mapper, obj, m.source);
    const own = obj.metadata?.namespace;
    if (mapping.namespaced && explicit && own && own !== namespace) {
      throw new CliError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`);
    }
    const info: ResourceInfo = { mapping, namespace: mapping.namespaced ? (own ?? namespace) : '', name: obj.metadata?.name ?? '', object: obj, source: m.source };
    if (o.fetch) {
      try {
        info.object = await f.client().request<KubeObject>({ method: 'GET', path: resourcePath(mapping, { namespace: info.namespace || undefined, name: info.name }) });
      } catch (e) {
        errors.push(e);
        continue;
      }
    }
    infos.push(info);
  }
  return { infos, errors };
}

/** Resolves a verb's arguments (or `-f`) into infos; not-found names are returned as errors. */
export async function selectResources(f: Factory, args: string[], o: SelectOptions = {}): Promise<{ infos: ResourceInfo[]; errors: unknown[] }> {
  if ((o.filenames ?? []).length > 0) {
    if (args.length > 0) throw new UsageError(`Unexpected args: [${args.join(' ')}]`);
    return fromFiles(f, o);
  }
  if (args.length === 0) throw new UsageError('You must provide one or more resources by argument or filename.');
  const { namespace } = f.namespace();
  const infos: ResourceInfo[] = [];
  const errors: unknown[] = [];
  const named: Array<{ types: ResourceMapping[]; name: string }> = [];
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash <= 0) throw new CliError("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
      const name = a.slice(slash + 1);
      if (name === '') throw new CliError(`arguments in resource/name form must have a single resource and name`);
      named.push({ types: await resolveTypes(f, a.slice(0, slash)), name });
    }
  } else {
    const types = await resolveTypes(f, args[0] ?? '');
    const names = args.slice(1);
    if (names.length === 0) {
      // No names: list each type with the selectors.
      for (const mapping of types) {
        const list = await listObjects(f, mapping, { namespace: o.allNamespaces ? undefined : namespace, selector: o.selector, fieldSelector: o.fieldSelector });
        for (const item of list.items) infos.push({ mapping, namespace: mapping.namespaced ? (item.metadata?.namespace ?? namespace) : '', name: item.metadata?.name ?? '', object: item });
      }
      return { infos, errors };
    }
    if (o.selector || o.all) throw new CliError('name cannot be provided when a selector is specified');
    for (const name of names) named.push({ types, name });
  }
  for (const { types, name } of named) {
    for (const mapping of types) {
      const info: ResourceInfo = { mapping, namespace: mapping.namespaced ? namespace : '', name };
      if (o.fetch) {
        try {
          info.object = await f.client().request<KubeObject>({ method: 'GET', path: resourcePath(mapping, { namespace: info.namespace || undefined, name }) });
        } catch (e) {
          errors.push(e);
          continue;
        }
      }
      infos.push(info);
    }
  }
  return { infos, errors };
}
