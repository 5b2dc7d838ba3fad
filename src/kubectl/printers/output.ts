/**
 * kubectl's object printers behind `-o`: yaml, json, name, jsonpath (and -file, -as-json),
 * go-template (and -file, template, templatefile), custom-columns (and -file), with kubectl's
 * wording for bad formats and templates. Several objects print as one `v1 List`; managedFields are
 * left out of yaml and json unless asked for; `printAction` writes the `kind/name verb` line of
 * mutating verbs.
 */
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { goJson, goPrint, goQuote, goSyntax } from '../../api/gofmt.js';
import { JsonPath, JsonPathError } from '../../api/jsonpath.js';
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';
import { columnsFromSpec, columnsFromTemplate, renderCustomColumns } from './custom-columns.js';
import { GoTemplate, partialOutput, TemplateExecError, TemplateParseError } from './go-template.js';
import { toYaml } from './yaml.js';

/** Options of {@link formatObjects}. */
export interface FormatOptions {
  /** One object asked for by name prints alone; otherwise the objects print as a `List`. */
  single: boolean;
  /** `--template`: the template when the format is given bare (`-o go-template --template=…`). */
  template?: string;
  noHeaders?: boolean;
  showManagedFields?: boolean;
  /** `--allow-missing-template-keys` (default true). */
  allowMissingKeys?: boolean;
}

/**
 * A printing failure after which kubectl has already written something to stdout (a go-template
 * that fails half way prints its partial output and a debugging dump): write `output`, then report
 * the error as usual.
 */
export class PrintError extends CliError {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

const TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile'];
const JSONPATH_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file'];
const COLUMN_FORMATS = ['custom-columns', 'custom-columns-file'];
const WITH_ARGUMENT = [...TEMPLATE_FORMATS, ...JSONPATH_FORMATS, ...COLUMN_FORMATS];

/** `kubectl get`'s list of formats, as its error message prints it. */
const ALLOWED = [...COLUMN_FORMATS, ...TEMPLATE_FORMATS, 'json', ...JSONPATH_FORMATS, 'name', 'wide', 'yaml'].sort().join(',');

/** Splits `jsonpath={.x}` into format and argument. */
function splitFormat(output: string): { format: string; arg: string | undefined } {
  const lower = output.toLowerCase();
  if (lower === 'json' || lower === 'yaml' || lower === 'name') return { format: lower, arg: undefined };
  for (const f of WITH_ARGUMENT) {
    if (output.startsWith(`${f}=`)) return { format: f, arg: output.slice(f.length + 1) };
  }
  return { format: output, arg: undefined };
}

/** True for the formats that print objects (everything but the table formats `''` and `wide`). */
export function isObjectOutput(output: string): boolean {
  const { format } = splitFormat(output);
  return format === 'json' || format === 'yaml' || format === 'name' || WITH_ARGUMENT.includes(format);
}

function withoutManagedFields(o: KubeObject): KubeObject {
  if (o.metadata?.managedFields === undefined) return o;
  const { managedFields: _drop, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** `deployment.apps/web`, `pod/x`: the kind lower-cased, then the group. */
function kindSlashName(o: KubeObject): string {
  const kind = o.kind ?? '';
  const name = o.metadata?.name || '<unknown>';
  if (kind === '') throw new CliError(`missing kind for resource with name ${name}`);
  const av = o.apiVersion ?? '';
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  return group ? `${kind.toLowerCase()}.${group}/${name}` : `${kind.toLowerCase()}/${name}`;
}

function readTemplateFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`${what} ${path}, open ${path}: ${reason}`);
  }
}

function jsonPathOutput(format: string, template: string, obj: unknown, allowMissingKeys: boolean): string {
  const text = format === 'jsonpath-file' ? readTemplateFile(template, 'error reading --template') : template;
  let path: JsonPath;
  try {
    path = new JsonPath(text, { allowMissingKeys, outputJson: format === 'jsonpath-as-json' });
  } catch (e) {
    if (e instanceof JsonPathError) throw new CliError(`error parsing jsonpath ${text}, ${e.message}`);
    throw e;
  }
  try {
    return path.execute(obj);
  } catch (e) {
    if (!(e instanceof JsonPathError)) throw e;
    // kubectl's message ends in three newlines; the caller adds the last one.
    throw new CliError(
      `error executing jsonpath ${goQuote(text)}: Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
        `\ttemplate was:\n\t\t${text}\n\tobject given to jsonpath engine was:\n\t\t${goSyntax(obj)}\n\n`,
    );
  }
}

function goTemplateOutput(format: string, template: string, obj: unknown, allowMissingKeys: boolean): string {
  const text = format === 'go-template-file' || format === 'templatefile' ? readTemplateFile(template, 'error reading --template') : template;
  let tmpl: GoTemplate;
  try {
    tmpl = new GoTemplate(text);
  } catch (e) {
    if (e instanceof TemplateParseError) throw new CliError(`error parsing template ${text}, ${e.message}`);
    throw e;
  }
  try {
    return tmpl.execute(obj, { allowMissingKeys });
  } catch (e) {
    if (!(e instanceof TemplateExecError)) throw e;
    const dump =
      `Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
      `\ttemplate was:\n\t\t${text}\n\traw data was:\n\t\t${goJson(obj)}\n\tobject given to template engine was:\n\t\t${goPrint(obj)}\n\n`;
    throw new PrintError(`error executing template ${goQuote(text)}: ${e.message}`, partialOutput(e) + dump);
  }
}

/**
 * The text kubectl prints for `items` with `-o <output>`. Throws {@link CliError} with kubectl's
 * message for an unknown format or a bad template, and {@link PrintError} when some output must be
 * written before the error.
 */
export function formatObjects(items: KubeObject[], output: string, o: FormatOptions): string {
  const template = o.template ?? '';
  const split = splitFormat(output === '' && template !== '' ? 'go-template' : output);
  const format = split.format;
  let arg = split.arg;
  // With --template the format must be given bare; `jsonpath=…` together with it matches nothing.
  if (template !== '') {
    if (arg !== undefined) throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${ALLOWED}`);
    arg = template;
  }
  if (!(format === 'json' || format === 'yaml' || format === 'name' || WITH_ARGUMENT.includes(format))) {
    throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${ALLOWED}`);
  }
  const allowMissingKeys = o.allowMissingKeys ?? true;
  const single = o.single && items.length === 1;
  const wrap = (objs: KubeObject[]): KubeObject => (single && objs[0] ? objs[0] : ({ apiVersion: 'v1', items: objs, kind: 'List', metadata: { resourceVersion: '' } } as KubeObject));

  switch (format) {
    case 'json':
    case 'yaml': {
      const obj = wrap(o.showManagedFields ? items : items.map(withoutManagedFields));
      return format === 'json' ? `${goJson(obj, '    ')}\n` : toYaml(obj);
    }
    case 'name':
      return items.map((i) => `${kindSlashName(i)}\n`).join('');
  }
  if (arg === undefined || arg === '') {
    throw new CliError(COLUMN_FORMATS.includes(format) ? 'custom-columns format specified but no custom columns given' : 'template format specified but no template given');
  }
  if (JSONPATH_FORMATS.includes(format)) return jsonPathOutput(format, arg, wrap(items), allowMissingKeys);
  if (TEMPLATE_FORMATS.includes(format)) return goTemplateOutput(format, arg, wrap(items), allowMissingKeys);
  // custom-columns: a file's columns ignore --no-headers, as kubectl's.
  if (format === 'custom-columns-file') return renderCustomColumns(items, columnsFromTemplate(readTemplateFile(arg, 'error reading template')), {});
  return renderCustomColumns(items, columnsFromSpec(arg), { noHeaders: o.noHeaders });
}

/** Writes `deployment.apps/web created` (with ` (dry run)` / ` (server dry run)`), as kubectl's mutating verbs do. */
export function printAction(out: Writable, obj: KubeObject, verb: string, dryRun?: 'client' | 'server'): void {
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  out.write(`${kindSlashName(obj)} ${verb}${suffix}\n`);
}
