/**
 * The resource builder as `set selector` and `set subject` use it, and what they share around it.
 * Objects come back in argument order with the failures among them (kubectl visits both in that
 * order), always read fresh from the server (`Latest()`), or with `--local` only from the files,
 * without asking the server anything, not even discovery, as kubectl's local builder does.
 */
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { qualifiedName, resolveTypes, selectResources } from '../../builder.js';
import { CliError } from '../../errors.js';
import { readManifests } from '../../manifests.js';
import { formatObjects } from '../../printers/output.js';
import type { CommandContext, Flags, ResourceMapping } from '../../types.js';
import { actionLine, outputFormat, typedJson, type DryRun } from '../../workloads/common.js';
import { asTyped, isTypedKind } from './typed.js';
import { MISSING_RESOURCES } from '../apply/objects.js';

/** One object to change. `mapping` is unset for `--local` objects (kubectl does not look them up). */
export interface Target {
  kind: string;
  group: string;
  mapping?: ResourceMapping;
  namespace: string;
  name: string;
  /** As kubectl's Go struct holds it ({@link asTyped}). */
  object: KubeObject;
}

/** A target, or the error the builder met in its place. */
export type Visited = { target: Target; error?: undefined } | { error: unknown; target?: undefined };

/** cli-runtime's LocalResourceError (printed without another `error: `). */
export const LOCAL_RESOURCE_ERROR = new CliError(
  `error: you must specify resources by --filename when --local is set.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'`,
  { raw: true },
);


const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/**
 * `info.ObjectName()`: `services/web` for an object the server mapped; without a mapping (`--local`)
 * the kind, and for a named group `deployment.apps/web` followed by a newline, as kubectl has it.
 */
export function objectName(t: Pick<Target, 'kind' | 'group' | 'name'> & { mapping?: ResourceMapping }): string {
  if (t.mapping) return `${t.mapping.resource}/${t.name}`;
  const kind = t.kind.toLowerCase();
  return t.group === '' ? `${kind}/${t.name}` : `${kind}.${t.group}/${t.name}\n`;
}

/** The namespace for unqualified names: `-n`, else the kubeconfig's (`default` without one when local). */
export function namespaceOf(ctx: CommandContext, local: boolean): { namespace: string; explicit: boolean } {
  try {
    return ctx.factory.namespace();
  } catch (e) {
    if (local) return { namespace: 'default', explicit: false };
    throw e;
  }
}

/** `--local`: the objects in the files, untouched by the server; namespaces only checked against `-n`. */
export async function localTargets(ctx: CommandContext, filenames: string[], recursive: boolean): Promise<Visited[]> {
  if (filenames.length === 0) throw new CliError(MISSING_RESOURCES);
  const { namespace, explicit } = namespaceOf(ctx, true);
  const out: Visited[] = [];
  for (const m of await readManifests(filenames, { recursive, stdin: ctx.streams.stdin })) {
    const own = m.object.metadata?.namespace ?? '';
    if (explicit && own !== '' && own !== namespace) {
      out.push({ error: new CliError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`) });
      continue;
    }
    const object = asTyped(m.object);
    out.push({ target: { kind: object.kind ?? '', group: groupOf(object.apiVersion ?? ''), namespace: own, name: object.metadata?.name ?? '', object } });
  }
  return out;
}

/**
 * Objects named by `TYPE NAME…`, `TYPE/NAME…`, `TYPE` with `--all`/`-l`, or `-f`, each read from the
 * server in order. A type alone without `--all` or `-l` is refused; `--all` beside names is ignored.
 */
export async function serverTargets(ctx: CommandContext, args: string[], o: { filenames: string[]; recursive: boolean; all: boolean; selector?: string }): Promise<Visited[]> {
  if (o.filenames.length > 0 && args.length > 0) throw new CliError('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
  if (o.filenames.length === 0 && args.length === 0) throw new CliError(MISSING_RESOURCES);
  const typeOnly = o.filenames.length === 0 && args.length === 1 && !(args[0] ?? '').includes('/');
  if (typeOnly && !o.all && !o.selector) {
    // An unknown type is reported before the missing name.
    await resolveTypes(ctx.factory, args[0] ?? '');
    throw new CliError('resource(s) were provided, but no name was specified');
  }
  const { infos } = await selectResources(ctx.factory, args, {
    filenames: o.filenames,
    recursive: o.recursive,
    selector: o.selector || undefined,
    all: typeOnly && o.all,
    fetch: false,
  });
  const out: Visited[] = [];
  for (const info of infos) {
    try {
      const live = await ctx.factory.client().request<KubeObject>({ method: 'GET', path: resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name }) });
      const apiVersion = info.mapping.group ? `${info.mapping.group}/${info.mapping.version}` : info.mapping.version;
      const object = asTyped({ ...live, apiVersion: live.apiVersion ?? apiVersion, kind: live.kind ?? info.mapping.kind });
      out.push({ target: { kind: info.mapping.kind, group: info.mapping.group, mapping: info.mapping, namespace: info.namespace, name: info.name, object } });
    } catch (e) {
      out.push({ error: e });
    }
  }
  return out;
}

const TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file'];
const ALLOWED = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';

/**
 * PrintFlags.ToPrinter, which kubectl runs before it reads or changes anything: an unknown `-o`
 * or a template that does not parse fails first.
 */
export function checkOutput(flags: Flags): void {
  const output = outputFormat(flags);
  const template = flags.has('template') ? flags.string('template') : '';
  const format = output === '' && template !== '' ? 'go-template' : output;
  if (format === '') return;
  const lower = format.toLowerCase();
  const known = lower === 'json' || lower === 'yaml' || lower === 'name' || TEMPLATE_FORMATS.some((f) => format === f || format.startsWith(`${f}=`));
  if (!known) throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${ALLOWED}`);
  try {
    formatObjects([{}], format, { single: true, template: template || undefined, allowMissingKeys: true });
  } catch (e) {
    // Only parse and set-up errors count here; running the template on the real object comes later.
    if (e instanceof CliError && /^(error parsing|unable to match|template format specified|error reading)/.test(e.message)) throw e;
  }
}

/** Prints one changed object (of this kind and group). */
export type PrintFn = (t: Pick<Target, 'kind' | 'group'>, obj: KubeObject) => void;

/**
 * The command's printer (PrintFlags.ToPrinter): without `-o` (and without `--template`, which alone
 * means go-template) `<kind>.<group>/<name> <operation>`; with `-o json` the object as its Go struct
 * encodes it, without managedFields unless asked (a kind without a Go struct as a map, keys
 * sorted); other formats through the shared printers (templates see managedFields, as kubectl's do). Like kubectl's YAML printer it separates the
 * objects it prints with `---`.
 */
export function objectPrinter(ctx: CommandContext, operation: string, dryRun: DryRun): PrintFn {
  const f = ctx.flags;
  const output = outputFormat(f);
  const template = f.has('template') ? f.string('template') : '';
  const format = output === '' && template !== '' ? 'go-template' : output;
  const out = ctx.streams.stdout;
  let printed = 0;
  return (t, obj) => {
    const typed = structuredClone(asTyped(obj));
    const name = typed.metadata?.name ?? '';
    if (format === '') {
      out.write(actionLine(t, name, operation, dryRun));
    } else if (format.toLowerCase() === 'name') {
      out.write(`${qualifiedName(t, name)}\n`);
    } else if (format.toLowerCase() === 'json' && isTypedKind(typed)) {
      if (!f.bool('show-managed-fields') && typed.metadata) delete typed.metadata.managedFields;
      out.write(`${typedJson(typed)}\n`);
    } else {
      if (format.toLowerCase() === 'yaml' && printed > 0) out.write('---\n');
      out.write(formatObjects([typed], format, { single: true, template: template || undefined, showManagedFields: f.bool('show-managed-fields'), allowMissingKeys: f.bool('allow-missing-template-keys') }));
    }
    printed++;
  };
}
