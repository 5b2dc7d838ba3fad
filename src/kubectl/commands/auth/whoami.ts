/**
 * `kubectl auth whoami`: the user the server sees (a SelfSubjectReview, authentication.k8s.io v1,
 * else v1beta1, else v1alpha1), as an `ATTRIBUTE VALUE` table or in any `-o` format.
 */
import { isStatus } from '../../errors.js';
import { CliError } from '../../errors.js';
import { formatObjects } from '../../printers/output.js';
import { TabWriter } from '../../printers/tabwriter.js';
import type { KubeObject } from '../../../client/types.js';
import type { Command, CommandContext } from '../../types.js';
import { printFlagSpecs } from '../create/options.js';
import { goList } from './rules.js';

interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

type Review = KubeObject & { status?: { userInfo?: UserInfo } };

const NOT_ENABLED = 'the selfsubjectreviews API is not enabled in the cluster\nenable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API';
const FORBIDDEN = 'the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it';

/** The review's table, as kubectl's printTableSelfSubjectAccessReview writes it. */
export function userTable(ui: UserInfo): string {
  const w = new TabWriter();
  w.write('ATTRIBUTE\tVALUE\n');
  if (ui.username) w.write(`Username\t${ui.username}\n`);
  if (ui.uid) w.write(`UID\t${ui.uid}\n`);
  if ((ui.groups ?? []).length > 0) w.write(`Groups\t${goList(ui.groups)}\n`);
  for (const key of Object.keys(ui.extra ?? {}).sort()) w.write(`Extra: ${key}\t${goList(ui.extra?.[key])}\n`);
  return w.flush();
}

/** The review in Go's field order (kind before apiVersion, username before groups), as kubectl's typed printers see it. */
function typed(r: Review, apiVersion: string): KubeObject {
  const ui = r.status?.userInfo ?? {};
  // extra is a Go map: its keys print sorted.
  const extra = ui.extra ? Object.fromEntries(Object.keys(ui.extra).sort().map((k) => [k, ui.extra?.[k]])) : undefined;
  const userInfo = { username: ui.username, uid: ui.uid, groups: ui.groups, extra };
  return {
    kind: 'SelfSubjectReview',
    apiVersion,
    metadata: { ...(r.metadata ?? {}), creationTimestamp: r.metadata?.creationTimestamp ?? null },
    status: { userInfo: Object.fromEntries(Object.entries(userInfo).filter(([, v]) => v !== undefined && v !== '')) },
  } as KubeObject;
}

/** json.MarshalIndent of a struct: keys in the order given, 4-space indent, HTML-safe escapes. */
function structJson(obj: unknown): string {
  const esc: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  // These characters can only occur inside strings in JSON text, so replacing them everywhere is safe.
  return JSON.stringify(obj, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => esc[c] ?? c);
}

async function review(ctx: CommandContext): Promise<{ review: Review; apiVersion: string }> {
  const client = ctx.factory.client();
  for (const version of ['v1', 'v1beta1', 'v1alpha1']) {
    const apiVersion = `authentication.k8s.io/${version}`;
    try {
      const r = await client.request<Review>({ method: 'POST', path: `/apis/${apiVersion}/selfsubjectreviews`, body: { kind: 'SelfSubjectReview', apiVersion, metadata: {}, status: { userInfo: {} } } });
      return { review: r, apiVersion };
    } catch (e) {
      if (isStatus(e, 404) && version !== 'v1alpha1') continue;
      if (isStatus(e, 403)) throw new CliError(FORBIDDEN);
      if (isStatus(e, 404)) throw new CliError(NOT_ENABLED);
      throw e;
    }
  }
  throw new CliError(NOT_ENABLED);
}

async function run(ctx: CommandContext): Promise<void> {
  const { review: r, apiVersion } = await review(ctx);
  const output = ctx.flags.string('output');
  if (output === '') return void ctx.streams.stdout.write(userTable(r.status?.userInfo ?? {}));
  const obj = typed(r, apiVersion);
  // kubectl prints the typed review: JSON keeps Go's field order (YAML sorts keys either way).
  if (output === 'json') return void ctx.streams.stdout.write(`${structJson(obj)}\n`);
  ctx.streams.stdout.write(formatObjects([obj], output, { single: true, template: ctx.flags.string('template') || undefined, showManagedFields: ctx.flags.bool('show-managed-fields') }));
}

export const whoami: Command = {
  name: 'whoami',
  short: 'Experimental: Check self subject attributes',
  long: `Experimental: Check who you are and your attributes (groups, extra).

        This command is helpful to get yourself aware of the current user attributes,
        especially when dynamic authentication, e.g., token webhook, auth proxy, or OIDC provider,
        is enabled in the Kubernetes cluster.`,
  usage: 'kubectl auth whoami',
  examples: `  # Get your subject attributes
  kubectl auth whoami

  # Get your subject attributes in JSON format
  kubectl auth whoami -o json`,
  // Help lists flags by name, as cobra sorts them.
  flags: [...printFlagSpecs].sort((a, b) => (a.name < b.name ? -1 : 1)),
  run,
};
