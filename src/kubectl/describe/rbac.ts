/**
 * `kubectl describe role|clusterrole|rolebinding|clusterrolebinding`. Role rules are broken down to
 * one verb each, merged back per resource (and resource name), and sorted by their Go string
 * form, so the table reads the same however the rules were written.
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../api/generated/rbac/v1.js';
import type { BuiltInResource } from '../../client/resources.js';
import { getObject, type Describer } from './context.js';
import { byString, goSlice, printAnnotationsMultiline, printLabelsMultiline } from './format.js';
import { LEVEL_0, LEVEL_1, tabbed } from './writer.js';

const rbac = (resource: string, kind: string, namespaced: boolean): BuiltInResource => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, kind, namespaced });
const ROLES = rbac('roles', 'Role', true);
const CLUSTER_ROLES = rbac('clusterroles', 'ClusterRole', false);
const ROLE_BINDINGS = rbac('rolebindings', 'RoleBinding', true);
const CLUSTER_ROLE_BINDINGS = rbac('clusterrolebindings', 'ClusterRoleBinding', false);

/** One rule per group × resource × verb (× resource name), and per non-resource URL × verb. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length > 0) for (const n of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [n] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

/** The generated protobuf String() of a rule, which kubectl sorts the rows by. */
const ruleString = (r: PolicyRule): string =>
  `&PolicyRule{Verbs:${goSlice(r.verbs)},APIGroups:${goSlice(r.apiGroups)},Resources:${goSlice(r.resources)},ResourceNames:${goSlice(r.resourceNames)},NonResourceURLs:${goSlice(r.nonResourceURLs)},}`;

/** Broken-down rules merged back: resource rules keyed by group, resource and name collect their verbs. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const other: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules.flatMap(breakdown)) {
    if ((r.nonResourceURLs ?? []).length > 0) {
      other.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups?.[0], r.resources?.[0], r.resourceNames?.[0] ?? null]);
    const have = simple.get(key);
    if (!have) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!have.verbs.includes(v)) have.verbs.push(v);
  }
  return [...other, ...simple.values()].sort((a, b) => byString(ruleString(a), ruleString(b)));
}

/** `deployments.apps/scale`: a rule's first resource with its first group. */
export function combineResourceGroup(resources: readonly string[] | undefined, groups: readonly string[] | undefined): string {
  const first = resources?.[0];
  if (first === undefined) return '';
  const slash = first.indexOf('/');
  const [resource, sub] = slash < 0 ? [first, undefined] : [first.slice(0, slash), first.slice(slash + 1)];
  const group = groups?.[0];
  return `${resource}${group ? `.${group}` : ''}${sub !== undefined ? `/${sub}` : ''}`;
}

function describeRules(obj: Role | ClusterRole): string {
  const rules = compactRules(obj.rules ?? []);
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${obj.metadata?.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', obj.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', obj.metadata?.annotations);
    w.write(LEVEL_0, 'PolicyRule:\n');
    w.write(LEVEL_1, 'Resources\tNon-Resource URLs\tResource Names\tVerbs\n');
    w.write(LEVEL_1, '---------\t-----------------\t--------------\t-----\n');
    for (const r of rules) w.write(LEVEL_1, `${combineResourceGroup(r.resources, r.apiGroups)}\t${goSlice(r.nonResourceURLs)}\t${goSlice(r.resourceNames)}\t${goSlice(r.verbs)}\n`);
  });
}

function describeBinding(b: RoleBinding | ClusterRoleBinding): string {
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${b.metadata?.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', b.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', b.metadata?.annotations);
    w.write(LEVEL_0, 'Role:\n');
    w.write(LEVEL_1, `Kind:\t${b.roleRef.kind}\n`);
    w.write(LEVEL_1, `Name:\t${b.roleRef.name}\n`);
    w.write(LEVEL_0, 'Subjects:\n');
    w.write(LEVEL_1, 'Kind\tName\tNamespace\n');
    w.write(LEVEL_1, '----\t----\t---------\n');
    for (const s of b.subjects ?? []) w.write(LEVEL_1, `${s.kind}\t${s.name}\t${s.namespace ?? ''}\n`);
  });
}

export const describeRole: Describer = async (ctx, namespace, name) => describeRules(await getObject<Role>(ctx, ROLES, namespace, name));
export const describeClusterRole: Describer = async (ctx, _namespace, name) => describeRules(await getObject<ClusterRole>(ctx, CLUSTER_ROLES, '', name));
export const describeRoleBinding: Describer = async (ctx, namespace, name) => describeBinding(await getObject<RoleBinding>(ctx, ROLE_BINDINGS, namespace, name));
export const describeClusterRoleBinding: Describer = async (ctx, _namespace, name) => describeBinding(await getObject<ClusterRoleBinding>(ctx, CLUSTER_ROLE_BINDINGS, '', name));
