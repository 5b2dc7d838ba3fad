/** `kubectl create role NAME --verb=… --resource=…` and `kubectl create clusterrole NAME (--verb … (--resource … | --non-resource-url …) | --aggregation-rule=k=v)`. */
import { CliError } from '../../errors.js';
import type { Command, CommandContext, Factory, FlagSpec } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';

const RESOURCE_VERBS = ['*', 'get', 'delete', 'list', 'create', 'update', 'patch', 'watch', 'proxy', 'deletecollection', 'use', 'bind', 'escalate', 'impersonate'];
const NON_RESOURCE_VERBS = ['*', 'get', 'post', 'put', 'delete', 'patch', 'head', 'options'];

/** Verbs that only make sense on certain resources (kubectl's specialVerbs). */
const SPECIAL_VERBS: Record<string, Array<[string, string]>> = {
  use: [['policy', 'podsecuritypolicies'], ['extensions', 'podsecuritypolicies']],
  bind: [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles']],
  escalate: [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles']],
  impersonate: [['', 'users'], ['', 'serviceaccounts'], ['', 'groups'], ['authentication.k8s.io', 'userextras']],
};

/** One `--resource` value: `resource[.group][/subresource]`. */
export interface ResourceArg {
  group: string;
  resource: string;
  subResource: string;
}

const unique = (xs: string[]) => [...new Set(xs)];

/** `--verb`s without repeats; `*` alone stands for all. */
export function normalizeVerbs(verbs: string[]): string[] {
  return verbs.includes('*') ? ['*'] : unique(verbs);
}

/** Parses `--resource` values; a bare `*` ends the list, as kubectl's loop does. */
export function parseResourceArgs(values: string[]): ResourceArg[] {
  const out: ResourceArg[] = [];
  for (const r of values) {
    const slash = r.indexOf('/');
    const head = slash < 0 ? r : r.slice(0, slash);
    const subResource = slash < 0 ? '' : r.slice(slash + 1);
    const dot = head.indexOf('.');
    const res: ResourceArg = { resource: dot < 0 ? head : head.slice(0, dot), group: dot < 0 ? '' : head.slice(dot + 1), subResource };
    if (res.resource === '*' && dot < 0 && slash < 0) return [res];
    out.push(res);
  }
  return out;
}

/** The served group and plural for a typed resource (`rs.apps` → apps/replicasets), else as typed. */
async function resolveResource(f: Factory, r: ResourceArg): Promise<{ group: string; resource: string }> {
  try {
    const m = await (await f.mapper()).resolve(r.group ? `${r.resource}.${r.group}` : r.resource);
    return { group: m.group, resource: m.resource };
  } catch {
    return { group: r.group, resource: r.resource };
  }
}

async function validateResources(ctx: CommandContext, verbs: string[], resources: ResourceArg[]): Promise<void> {
  for (const r of resources) {
    if (r.resource === '') throw new CliError('resource must be specified if apiGroup/subresource specified');
    if (r.resource === '*') return;
    const gr = await resolveResource(ctx.factory, r);
    for (const v of verbs) {
      const allowed = SPECIAL_VERBS[v];
      if (allowed && !allowed.some(([g, res]) => g === gr.group && res === gr.resource)) {
        throw new CliError(`can not perform '${v}' on '${gr.resource}' in group '${gr.group}'`);
      }
    }
  }
}

/** One rule per API group (groups sorted), then one for the non-resource URLs. */
async function policyRules(ctx: CommandContext, verbs: string[], resources: ResourceArg[], resourceNames: string[], urls: string[]): Promise<Array<Record<string, unknown>>> {
  const byGroup = new Map<string, string[]>();
  for (const r of resources) {
    const gr = await resolveResource(ctx.factory, r);
    const name = r.subResource ? `${gr.resource}/${r.subResource}` : gr.resource;
    const list = byGroup.get(gr.group) ?? [];
    if (!list.includes(name)) list.push(name);
    byGroup.set(gr.group, list);
  }
  const rules: Array<Record<string, unknown>> = [...byGroup.keys()].sort().map((g) => ({
    verbs,
    apiGroups: [g],
    resources: byGroup.get(g),
    resourceNames: resourceNames.length ? resourceNames : undefined,
  }));
  if (urls.length > 0) rules.push({ verbs, nonResourceURLs: urls });
  return rules;
}

function warnVerbs(ctx: CommandContext, verbs: string[]): void {
  for (const v of verbs) if (!RESOURCE_VERBS.includes(v)) ctx.streams.stderr.write(`Warning: '${v}' is not a standard resource verb\n`);
}

const ruleFlags: FlagSpec[] = [
  { name: 'verb', type: 'strings', default: [], help: 'Verb that applies to the resources contained in the rule' },
  { name: 'resource', type: 'strings', default: [], help: 'Resource that the rule applies to' },
  { name: 'resource-name', type: 'stringArray', default: [], help: 'Resource in the white list that the rule applies to, repeat this flag for multiple items' },
];

export const role: Command = {
  name: 'role',
  short: 'Create a role with single rule',
  long: 'Create a role with single rule.',
  usage: 'kubectl create role NAME --verb=verb --resource=resource.group/subresource [--resource-name=resourcename] [--dry-run=server|client|none]',
  examples: `  # Create a role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods
  kubectl create role pod-reader --verb=get --verb=list --verb=watch --resource=pods

  # Create a role named "pod-reader" with ResourceName specified
  kubectl create role pod-reader --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod

  # Create a role named "foo" with API Group specified
  kubectl create role foo --verb=get,list,watch --resource=rs.apps

  # Create a role named "foo" with SubResource specified
  kubectl create role foo --verb=get,list,watch --resource=pods,pods/status`,
  flags: generatorFlags([...ruleFlags]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const verbs = normalizeVerbs(ctx.flags.strings('verb'));
    const resources = parseResourceArgs(ctx.flags.strings('resource'));
    const names = unique(ctx.flags.strings('resource-name'));
    if (verbs.length === 0) throw new CliError('at least one verb must be specified');
    warnVerbs(ctx, verbs);
    if (resources.length === 0) throw new CliError('at least one resource must be specified');
    await validateResources(ctx, verbs, resources);
    const obj = { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name, creationTimestamp: null }, rules: await policyRules(ctx, verbs, resources, names, []) };
    await createGenerated(ctx, obj, { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true });
  },
};

/** `--aggregation-rule=a=b,c=d` (cliflag.MapStringString). */
function parseAggregation(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new CliError(`invalid argument "${values.join(',')}" for "--aggregation-rule" flag: malformed pair, expect string=string`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function checkNonResourceURLs(verbs: string[], urls: string[]): void {
  for (const v of verbs) if (!NON_RESOURCE_VERBS.includes(v)) throw new CliError(`invalid verb: '${v}' for nonResourceURL`);
  for (const u of urls) {
    if (u === '*') continue;
    if (u === '' || !u.startsWith('/')) throw new CliError('nonResourceURL should start with /');
    if (u.slice(0, -1).includes('*')) throw new CliError("nonResourceURL only supports wildcard matches when '*' is at the end");
  }
}

export const clusterrole: Command = {
  name: 'clusterrole',
  short: 'Create a cluster role',
  long: 'Create a cluster role.',
  usage: 'kubectl create clusterrole NAME --verb=verb --resource=resource.group [--resource-name=resourcename] [--dry-run=server|client|none]',
  examples: `  # Create a cluster role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods
  kubectl create clusterrole pod-reader --verb=get,list,watch --resource=pods

  # Create a cluster role named "foo" with NonResourceURL specified
  kubectl create clusterrole "foo" --verb=get --non-resource-url=/logs/*

  # Create a cluster role name "monitoring" with AggregationRule specified
  kubectl create clusterrole monitoring --aggregation-rule="rbac.example.com/aggregate-to-monitoring=true"`,
  flags: generatorFlags([
    ...ruleFlags,
    { name: 'non-resource-url', type: 'strings', default: [], help: 'A partial url that user should have access to.' },
    { name: 'aggregation-rule', type: 'strings', default: [], help: 'An aggregation label selector for combining ClusterRoles.' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const verbs = normalizeVerbs(ctx.flags.strings('verb'));
    const resources = parseResourceArgs(ctx.flags.strings('resource'));
    const names = unique(ctx.flags.strings('resource-name'));
    const urls = unique(ctx.flags.strings('non-resource-url'));
    const aggregation = parseAggregation(ctx.flags.strings('aggregation-rule'));
    let obj: Record<string, unknown>;
    if (Object.keys(aggregation).length > 0) {
      if (urls.length > 0 || verbs.length > 0 || resources.length > 0 || names.length > 0) {
        throw new CliError('aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames');
      }
      obj = { rules: null, aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregation }] } };
    } else {
      if (verbs.length === 0) throw new CliError('at least one verb must be specified');
      if (resources.length === 0 && urls.length === 0) throw new CliError('one of resource or nonResourceURL must be specified');
      if (resources.length > 0) {
        warnVerbs(ctx, verbs);
        await validateResources(ctx, verbs, resources);
      }
      if (urls.length > 0) checkNonResourceURLs(verbs, urls);
      obj = { rules: await policyRules(ctx, verbs, resources, names, urls) };
    }
    const full = { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name, creationTimestamp: null }, ...obj };
    await createGenerated(ctx, full, { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false });
  },
};
