/**
 * `kubectl explain TYPE[.FIELD…]`: documentation of a resource or field from the server's OpenAPI v3
 * document for its group-version, in kubectl 1.32's plaintext layout (see explain/render.ts).
 */
import type { RestClient } from '../../client/rest.js';
import { CliError } from '../errors.js';
import type { Command, ResourceMapping, RestMapper } from '../types.js';
import { renderExplain } from './explain/render.js';

type Obj = Record<string, unknown>;

interface Gvr {
  group: string;
  version: string;
  resource: string;
}

const gvrString = (g: Gvr) => `${g.group}/${g.version}, Resource=${g.resource}`;
const matches = (m: ResourceMapping, name: string) => m.resource === name || m.singular === name || m.kind.toLowerCase() === name || m.shortNames.includes(name);

/** Field path parts after a resource prefix (`.spec.replicas` → [spec, replicas]); a trailing dot is ignored. */
const fieldsOf = (suffix: string): string[] => suffix.replace(/\.$/, '').split('.').filter((p, i) => !(i === 0 && p === ''));

/**
 * Splits `deployments.apps.spec.replicas` into a resource and a field path as kubectl does: the
 * first resource type whose `resource.group` prefixes the text wins; otherwise the first part names
 * the type and the rest are fields. With --api-version, the first part is always the type.
 */
export async function splitResource(mapper: RestMapper, text: string, byPrefix: boolean): Promise<{ mapping: ResourceMapping; fields: string[] }> {
  const parts = text.replace(/\.$/, '').split('.');
  const first = parts[0] ?? '';
  let mapping: ResourceMapping;
  try {
    mapping = await mapper.resolve(first);
  } catch (e) {
    // explain prints the "no such type" error bare, without `error: `.
    if (e instanceof CliError && e.message.startsWith("the server doesn't have a resource type")) throw new CliError(e.message, { raw: true });
    throw e;
  }
  if (byPrefix) {
    const lower = first.toLowerCase();
    const candidates = [mapping, ...mapper.all().filter((m) => m.group !== mapping.group && matches(m, lower))];
    for (const m of candidates) {
      const gr = m.group ? `${m.resource}.${m.group}` : m.resource;
      if (text.startsWith(gr)) return { mapping: m, fields: fieldsOf(text.slice(gr.length)) };
    }
  }
  return { mapping, fields: parts.slice(1) };
}

/** Fetches the OpenAPI v3 document of one group-version (`api/v1`, `apis/apps/v1`). */
async function openApiDocument(client: RestClient, gvr: Gvr): Promise<Obj> {
  const root = await client.request<{ paths?: Record<string, { serverRelativeURL?: string }> }>({ method: 'GET', path: '/openapi/v3' });
  const key = gvr.group ? `apis/${gvr.group}/${gvr.version}` : `api/${gvr.version}`;
  const entry = root.paths?.[key];
  if (!entry?.serverRelativeURL) throw new CliError(`couldn't find resource for "${gvrString(gvr)}"`);
  const url = new URL(entry.serverRelativeURL, 'http://server');
  return client.request<Obj>({ method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
}

export const command: Command = {
  name: 'explain',
  short: 'Get documentation for a resource',
  long: 'Describe fields and structure of various resources.\n\n This command describes the fields associated with each supported API resource. Fields are identified via a simple JSONPath identifier:\n\n        <type>.<fieldName>[.<fieldName>]\n\n Information about each field is retrieved from the server in OpenAPI format.\n\nUse "kubectl api-resources" for a complete list of supported resources.',
  usage: 'kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2]',
  examples: [
    '  # Get the documentation of the resource and its fields',
    '  kubectl explain pods',
    '  ',
    '  # Get all the fields in the resource',
    '  kubectl explain pods --recursive',
    '  ',
    '  # Get the explanation for deployment in supported api versions',
    '  kubectl explain deployments --api-version=apps/v1',
    '  ',
    '  # Get the documentation of a specific field of a resource',
    '  kubectl explain pods.spec.containers',
  ].join('\n'),
  flags: [
    { name: 'recursive', type: 'bool', default: false, help: 'When true, print the name of all the fields recursively. Otherwise, print the available fields with their description.' },
    { name: 'api-version', type: 'string', default: '', help: 'Use given api-version (group/version) of the resource.' },
    { name: 'output', short: 'o', type: 'string', default: 'plaintext', help: 'Format in which to render the schema. Valid values are: (plaintext, plaintext-openapiv2).' },
  ],
  async run(ctx) {
    if (ctx.args.length === 0) throw new CliError('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.');
    if (ctx.args.length > 1) throw new CliError('We accept only this format: explain RESOURCE');
    const apiVersion = ctx.flags.string('api-version');
    const output = ctx.flags.string('output');
    const mapper = await ctx.factory.mapper();
    const { mapping, fields } = await splitResource(mapper, ctx.args[0] ?? '', apiVersion === '');
    if (output === 'plaintext-openapiv2') throw new CliError('--output=plaintext-openapiv2 needs the protobuf /openapi/v2 document, which k8ts kubectl does not read; use --output=plaintext');
    const gvr: Gvr = { group: mapping.group, version: mapping.version, resource: mapping.resource };
    if (apiVersion) {
      const parts = apiVersion.split('/');
      if (parts.length > 2) throw new CliError(`unexpected GroupVersion string: ${apiVersion}`);
      gvr.group = parts.length === 2 ? (parts[0] ?? '') : '';
      gvr.version = parts[parts.length - 1] ?? '';
    }
    const doc = await openApiDocument(ctx.factory.client(), gvr);
    if (output !== 'plaintext') throw new CliError(`unrecognized format: ${output}`);
    const r = renderExplain(doc, gvr, fields, ctx.flags.bool('recursive'));
    ctx.streams.stdout.write(r.header + (r.body ?? ''));
    if (r.error) throw new CliError(r.error.message);
  },
};
