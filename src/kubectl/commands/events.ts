/**
 * `kubectl events`: core/v1 events of a namespace (or all, `-A`), optionally only those about one
 * object (`--for TYPE/NAME`) or of some types (`--types`), as kubectl 1.32's own table (LAST SEEN,
 * TYPE, REASON, OBJECT, MESSAGE; oldest first) or as objects with `-o`; `-w` streams them instead.
 * Requests are kubectl's: `limit=500` pages (its --chunk-size is accepted but not used), the
 * involved object as a field selector, and a watch without a list before it.
 */
import type { Event } from '../../api/generated/core/v1.js';
import type { KubeList, KubeObject, Query } from '../../client/types.js';
import { isAbortError } from '../../client/rest.js';
import { decodeWatch, WatchExpiredError } from '../../client/watch.js';
import { goJson } from '../../api/gofmt.js';
import { CliError } from '../errors.js';
import { parseDuration } from '../flags.js';
import { formatObjects, PrintError } from '../printers/output.js';
import { TabWriter } from '../printers/tabwriter.js';
import type { Command, CommandContext, Factory } from '../types.js';
import { eventLine, headerLine, sortEvents, typeMatches, validateTypes } from './events/format.js';
import { structJson, typedEvent, typedEventList } from './events/typed.js';

/** kubectl's DefaultChunkSize, which `kubectl events` always lists with. */
const CHUNK = 500;

const FORMATS = ['go-template', 'go-template-file', 'json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'name', 'template', 'templatefile', 'yaml'];
const WITH_ARGUMENT = FORMATS.filter((f) => !['json', 'name', 'yaml'].includes(f));

const noPrinter = (output: string) => new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${FORMATS.join(',')}`);

/** `fields.EscapeValue`: a value inside a field selector. */
const escapeField = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll(',', '\\,').replaceAll('=', '\\=');

/**
 * The field selector for `--for TYPE/NAME`: the kind and group/version the type maps to, and the
 * name (none when the name is empty, as kubectl). Errors are kubectl's.
 */
export async function forSelector(f: Factory, text: string): Promise<string | undefined> {
  if (!text.includes('/')) throw new CliError('--for must be in resource/name form');
  const seg = text.split('/');
  if (seg.length !== 2) throw new CliError('arguments in resource/name form may not have more than one slash');
  const resource = (seg[0] ?? '').toLowerCase();
  const name = seg[1] ?? '';
  if (resource === '') throw new CliError('a resource must be present, got: /, Resource=');
  let mapping;
  try {
    mapping = await (await f.mapper()).resolve(resource);
  } catch (e) {
    if (!(e instanceof CliError) || !e.message.startsWith("the server doesn't have a resource type")) throw e;
    // kubectl reports the type and group as it split them (at the first dot), without "error: ".
    const dot = resource.indexOf('.');
    const [r, g] = dot < 0 ? [resource, ''] : [resource.slice(0, dot), resource.slice(dot + 1)];
    throw new CliError(`the server doesn't have a resource type "${r}"${g ? ` in group "${g}"` : ''}`, { raw: true });
  }
  if (name === '') return undefined;
  const gv = mapping.group ? `${mapping.group}/${mapping.version}` : mapping.version;
  return [`involvedObject.kind=${escapeField(mapping.kind)}`, `involvedObject.apiVersion=${escapeField(gv)}`, `involvedObject.name=${escapeField(name)}`].join(',');
}

/** Checks `-o` as kubectl does before it lists anything: the format, then the template's syntax. */
function checkOutput(ctx: CommandContext, output: string): void {
  const format = output.includes('=') ? output.slice(0, output.indexOf('=')) : output.toLowerCase();
  const known = output.includes('=') ? WITH_ARGUMENT.includes(format) : FORMATS.includes(format);
  if (!known || (output.includes('=') && ctx.flags.string('template') !== '')) throw noPrinter(output);
  // Parse errors surface here; errors executing the template are kubectl's to ignore later.
  printObject(ctx, typedEventList([]), output, { list: true, strict: true });
}

/**
 * One object as `-o` prints it. kubectl ignores what its printer returns, so a template that fails
 * while running prints what it printed (a go-template's debugging dump included) and exits 0; and
 * a whole list printed by name prints nothing (its name printer cannot name the list's items).
 */
function printObject(ctx: CommandContext, obj: KubeObject, output: string, o: { list: boolean; strict?: boolean }): string {
  const format = output.toLowerCase();
  if (format === 'json') return `${structJson(obj)}\n`;
  if (format === 'name' && o.list) return '';
  try {
    return formatObjects([obj], output, {
      single: true,
      template: ctx.flags.string('template') || undefined,
      allowMissingKeys: ctx.flags.bool('allow-missing-template-keys'),
      showManagedFields: true,
    });
  } catch (e) {
    // The dump's "raw data" is the typed object's JSON, in field order.
    if (e instanceof PrintError) return o.strict ? '' : e.output.replace(goJson(obj), structJson(obj, ''));
    if (e instanceof CliError && e.message.startsWith('error executing')) return '';
    if (e instanceof CliError && e.message.startsWith('unable to match a printer')) throw noPrinter(output);
    throw e;
  }
}

/** Prints events: kubectl's table, or objects with `-o`, through one tabwriter (as kubectl's). */
class EventPrinter {
  readonly #tw = new TabWriter();
  #headerDone = false;
  #yamlCount = 0;

  constructor(
    private readonly ctx: CommandContext,
    private readonly o: { output: string; allNamespaces: boolean; showManagedFields: boolean },
  ) {}

  /** Prints `events` (a list when `list`), then flushes. */
  print(events: Event[], list: boolean): void {
    const { output, allNamespaces } = this.o;
    if (output === '') {
      if (!this.#headerDone && !this.ctx.flags.bool('no-headers')) this.#tw.write(headerLine(allNamespaces));
      this.#headerDone = true;
      const nowMs = Date.now();
      for (const e of events) this.#tw.write(eventLine(e, { allNamespaces, nowMs }));
    } else {
      // Only the JSON and YAML printers leave managedFields out; templates see them.
      const structured = ['json', 'yaml'].includes(output.toLowerCase());
      const typed = events.map((e) => typedEvent(e, { showManagedFields: this.o.showManagedFields || !structured }));
      const obj = list ? typedEventList(typed) : (typed[0] as KubeObject);
      const text = printObject(this.ctx, obj, output, { list });
      // kubectl's YAML printer separates the objects it prints (the watch's, one at a time).
      if (output.toLowerCase() === 'yaml' && this.#yamlCount++ > 0) this.#tw.write('---\n');
      this.#tw.write(text);
    }
    this.ctx.streams.stdout.write(this.#tw.flush());
  }
}

async function listEvents(ctx: CommandContext, path: string, fieldSelector: string | undefined): Promise<Event[]> {
  const items: Event[] = [];
  let cont: string | undefined;
  do {
    const query: Query = { fieldSelector, limit: CHUNK, continue: cont };
    const list = await ctx.factory.client().request<KubeList<Event>>({ method: 'GET', path, query });
    items.push(...(list.items ?? []));
    cont = list.metadata?.continue || undefined;
  } while (cont);
  return items;
}

/** `--request-timeout` in ms (0: none), read as the factory reads it. */
function requestTimeoutMs(ctx: CommandContext): number {
  const t = ctx.flags.string('request-timeout');
  return t === '' || t === '0' ? 0 : /^\d+$/.test(t) ? Number(t) * 1000 : parseDuration(t);
}

/**
 * Streams events until the watch ends: the server closes it, `--request-timeout` passes (client-go
 * bounds the whole request by it), or it fails part way. kubectl drops the error its watch loop
 * ends with, so every one of these ends the command successfully.
 */
async function watchEvents(ctx: CommandContext, path: string, fieldSelector: string | undefined, types: string[], printer: EventPrinter): Promise<void> {
  const timeout = requestTimeoutMs(ctx);
  const signal = timeout > 0 ? AbortSignal.timeout(timeout) : undefined;
  const res = await ctx.factory.client().stream({ method: 'GET', path, query: { fieldSelector, limit: CHUNK, watch: 'true' }, signal });
  try {
    for await (const ev of decodeWatch<Event>(res, signal)) {
      if (ev.type === 'ERROR') return;
      // Events are deleted after an hour; kubectl does not show that.
      if (ev.type === 'DELETED' || ev.type === 'BOOKMARK') continue;
      if (!typeMatches(types, ev.object.type)) continue;
      printer.print([ev.object], false);
    }
  } catch (e) {
    const connection = e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
    if (e instanceof WatchExpiredError || isAbortError(e) || connection) return;
    throw e;
  }
}

async function run(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  const { namespace } = ctx.factory.namespace();
  const allNamespaces = f.bool('all-namespaces');
  const forText = f.string('for');
  const fieldSelector = forText ? await forSelector(ctx.factory, forText) : undefined;
  ctx.factory.clientConfig();
  const output = f.string('output');
  if (output !== '') checkOutput(ctx, output);
  const types = f.strings('types');
  validateTypes(types);

  const path = allNamespaces ? '/api/v1/events' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
  const printer = new EventPrinter(ctx, { output, allNamespaces, showManagedFields: f.bool('show-managed-fields') });
  if (f.bool('watch')) {
    await watchEvents(ctx, path, fieldSelector, types, printer);
    return 0;
  }
  const events = (await listEvents(ctx, path, fieldSelector)).filter((e) => typeMatches(types, e.type));
  if (events.length === 0) {
    ctx.streams.stderr.write(allNamespaces ? 'No events found.\n' : `No events found in ${namespace} namespace.\n`);
    return 0;
  }
  printer.print(sortEvents(events), true);
  return 0;
}

export const command: Command = {
  name: 'events',
  short: 'List events',
  long: 'Display events.\n\n Prints a table of the most important information about events. You can request events for a namespace, for all namespace, or filtered to only those pertaining to a specified resource.',
  usage: 'kubectl events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning]',
  examples: [
    '  # List recent events in the default namespace',
    '  kubectl events',
    '  ',
    '  # List recent events in all namespaces',
    '  kubectl events --all-namespaces',
    '  ',
    '  # List recent events for the specified pod, then wait for more events and list them as they arrive',
    '  kubectl events --for pod/web-pod-13je7 --watch',
    '  ',
    '  # List recent events in YAML format',
    '  kubectl events -oyaml',
    '  ',
    "  # List recent only events of type 'Warning' or 'Normal'",
    '  kubectl events --types=Warning,Normal',
  ].join('\n'),
  flags: [
    { name: 'all-namespaces', short: 'A', type: 'bool', help: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
    { name: 'allow-missing-template-keys', type: 'bool', default: true, help: 'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.' },
    // Accepted, but kubectl 1.32 lists in pages of 500 whatever it says.
    { name: 'chunk-size', type: 'int', default: 500, help: 'Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.' },
    { name: 'for', type: 'string', help: 'Filter events to only those pertaining to the specified resource.' },
    { name: 'no-headers', type: 'bool', help: "When using the default output format, don't print headers." },
    { name: 'output', short: 'o', type: 'string', help: 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).' },
    { name: 'show-managed-fields', type: 'bool', help: 'If true, keep the managedFields when printing objects in JSON or YAML format.' },
    { name: 'template', type: 'string', help: 'Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].' },
    { name: 'types', type: 'strings', help: 'Output only events of given types.' },
    { name: 'watch', short: 'w', type: 'bool', help: 'After listing the requested events, watch for more events.' },
  ],
  run,
};
