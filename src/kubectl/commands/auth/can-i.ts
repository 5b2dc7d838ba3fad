/**
 * `kubectl auth can-i VERB TYPE[/NAME] | NONRESOURCEURL` (a SelfSubjectAccessReview: prints `yes`,
 * or `no` and exits 1) and `kubectl auth can-i --list` (a SelfSubjectRulesReview as a table), with
 * kubectl's warnings for unknown verbs and types and for cluster-scoped types.
 */
import { CliError } from '../../errors.js';
import type { Command, CommandContext, Factory, ResourceMapping } from '../../types.js';
import { printWarning } from '../drain/go-text.js';
import { accessTable, type RulesReviewStatus } from './rules.js';

const RESOURCE_VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'use', 'bind', 'impersonate', '*', 'approve', 'sign', 'escalate', 'attest']);
const NON_RESOURCE_VERBS = new Set(['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*']);
/** Resources the server knows but discovery does not list (impersonation targets). */
const UNDISCOVERABLE = new Set(['users', 'groups']);
const AUTHZ = '/apis/authorization.k8s.io/v1';

interface Target {
  verb: string;
  url?: string;
  /** The resolved type, or only a name when the server does not know it. */
  resource?: { group: string; resource: string; mapping?: ResourceMapping };
  name?: string;
}

/** schema.ParseResourceArg's group/resource half: `deployments.apps` → deployments in apps. */
function groupResource(arg: string): { resource: string; group: string } {
  const dot = arg.indexOf('.');
  return dot < 0 ? { resource: arg, group: '' } : { resource: arg.slice(0, dot), group: arg.slice(dot + 1) };
}

/** kubectl's resourceFor: the discovered type, or (with a warning) the text as given. */
async function resourceFor(f: Factory, arg: string): Promise<NonNullable<Target['resource']>> {
  if (arg === '*') return { group: '', resource: '*' };
  const mapper = await f.mapper();
  try {
    const mapping = await mapper.resolve(arg.toLowerCase());
    return { group: mapping.group, resource: mapping.resource, mapping };
  } catch {
    const gr = groupResource(arg.toLowerCase());
    const text = gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
    if (!UNDISCOVERABLE.has(text)) {
      printWarning(f.streams.stderr, gr.group === '' ? `the server doesn't have a resource type '${gr.resource}'\n` : `the server doesn't have a resource type '${gr.resource}' in group '${gr.group}'\n`);
    }
    return { group: '', resource: arg };
  }
}

async function target(ctx: CommandContext): Promise<Target> {
  if (ctx.args.length !== 2) throw new CliError("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
  const [verb = '', what = ''] = ctx.args;
  if (what.startsWith('/')) return { verb, url: what };
  const slash = what.indexOf('/');
  const resource = await resourceFor(ctx.factory, slash < 0 ? what : what.slice(0, slash));
  return { verb, resource, ...(slash >= 0 ? { name: what.slice(slash + 1) } : {}) };
}

function validate(ctx: CommandContext, t: Target): void {
  const f = ctx.flags;
  const stderr = ctx.streams.stderr;
  if (t.url !== undefined) {
    if (f.string('subresource') !== '') throw new CliError('--subresource can not be used with NonResourceURL');
    if (!NON_RESOURCE_VERBS.has(t.verb)) printWarning(stderr, `verb '${t.verb}' is not a known verb\n`);
  } else if (t.resource && !f.bool('all-namespaces')) {
    const m = t.resource.mapping;
    if (m && !m.namespaced) {
      printWarning(stderr, m.group === '' ? `resource '${m.resource}' is not namespace scoped\n` : `resource '${m.resource}' is not namespace scoped in group '${m.group}'\n`);
    }
    if (!RESOURCE_VERBS.has(t.verb)) printWarning(stderr, `verb '${t.verb}' is not a known verb\n`);
  }
  if (f.bool('no-headers')) throw new CliError('--no-headers cannot be set without --list specified');
}

/** A review body the way Go encodes it: empty strings left out. */
const present = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

async function accessCheck(ctx: CommandContext, t: Target, namespace: string): Promise<boolean> {
  const spec = t.url !== undefined
    ? { nonResourceAttributes: { path: t.url, verb: t.verb } }
    : { resourceAttributes: present({ namespace, verb: t.verb, group: t.resource?.group, resource: t.resource?.resource, subresource: ctx.flags.string('subresource'), name: t.name }) };
  const review = await ctx.factory.client().request<{ status?: { allowed?: boolean; reason?: string; evaluationError?: string } }>({
    method: 'POST',
    path: `${AUTHZ}/selfsubjectaccessreviews`,
    body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec },
  });
  const s = review.status ?? {};
  if (!ctx.flags.bool('quiet')) {
    let line = s.allowed ? 'yes' : 'no';
    if (!s.allowed && s.reason) line += ` - ${s.reason}`;
    if (!s.allowed && s.evaluationError) line += ` - ${s.evaluationError}`;
    ctx.streams.stdout.write(`${line}\n`);
  }
  return s.allowed === true;
}

async function accessList(ctx: CommandContext, namespace: string): Promise<void> {
  const review = await ctx.factory.client().request<{ status?: RulesReviewStatus }>({
    method: 'POST',
    path: `${AUTHZ}/selfsubjectrulesreviews`,
    body: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: { namespace } },
  });
  const status = review.status ?? {};
  if (status.incomplete) printWarning(ctx.streams.stderr, `the list may be incomplete: ${status.evaluationError ?? ''}`);
  ctx.streams.stdout.write(accessTable(status, ctx.flags.bool('no-headers')));
}

async function run(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  const list = f.bool('list');
  if (list && ctx.args.length !== 0) throw new CliError('list option must be specified with no arguments');
  const t = list ? undefined : await target(ctx);
  const namespace = f.bool('all-namespaces') ? '' : ctx.factory.namespace().namespace;
  if (t === undefined) {
    if (f.bool('quiet') || f.bool('all-namespaces') || f.string('subresource') !== '') throw new CliError("list option can't be specified with neither quiet, all-namespaces nor subresource options");
    await accessList(ctx, namespace);
    return 0;
  }
  validate(ctx, t);
  return (await accessCheck(ctx, t, namespace)) ? 0 : 1;
}

export const canI: Command = {
  name: 'can-i',
  short: 'Check whether an action is allowed',
  long: `Check whether an action is allowed.

 VERB is a logical Kubernetes API verb like 'get', 'list', 'watch', 'delete', etc. TYPE is a Kubernetes resource. Shortcuts and groups will be resolved. NONRESOURCEURL is a partial URL that starts with "/". NAME is the name of a particular Kubernetes resource. This command pairs nicely with impersonation. See --as global flag.`,
  usage: 'kubectl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]',
  examples: `  # Check to see if I can create pods in any namespace
  kubectl auth can-i create pods --all-namespaces

  # Check to see if I can list deployments in my current namespace
  kubectl auth can-i list deployments.apps

  # Check to see if service account "foo" of namespace "dev" can list pods in the namespace "prod"
  # You must be allowed to use impersonation for the global option "--as"
  kubectl auth can-i list pods --as=system:serviceaccount:dev:foo -n prod

  # Check to see if I can do everything in my current namespace ("*" means all)
  kubectl auth can-i '*' '*'

  # Check to see if I can get the job named "bar" in namespace "foo"
  kubectl auth can-i list jobs.batch/bar -n foo

  # Check to see if I can read pod logs
  kubectl auth can-i get pods --subresource=log

  # Check to see if I can access the URL /logs/
  kubectl auth can-i get /logs/

  # Check to see if I can approve certificates.k8s.io
  kubectl auth can-i approve certificates.k8s.io

  # List all allowed actions in namespace "foo"
  kubectl auth can-i --list --namespace=foo`,
  flags: [
    { name: 'all-namespaces', short: 'A', type: 'bool', default: false, help: 'If true, check the specified action in all namespaces.' },
    { name: 'list', type: 'bool', default: false, help: 'If true, prints all allowed actions.' },
    { name: 'no-headers', type: 'bool', default: false, help: 'If true, prints allowed actions without headers' },
    { name: 'quiet', short: 'q', type: 'bool', default: false, help: 'If true, suppress output and just return the exit code.' },
    { name: 'subresource', type: 'string', default: '', help: 'SubResource such as pod/log or deployment/scale' },
  ],
  run,
};
