/**
 * Role-based access control as kube-apiserver's RBAC authorizer evaluates it: a request is allowed
 * when a ClusterRoleBinding, or a RoleBinding in the request's namespace, names the user (User,
 * Group or ServiceAccount subject) and its role has a rule matching the verb, API group, resource
 * (`resource/subresource`, `*`, `*\/sub`), resource name and, for non-resource
 * requests (ClusterRoleBindings only), the path. Aggregated ClusterRoles take the rules of the
 * ClusterRoles their selectors match. Nothing is ever denied explicitly: no match, no access.
 *
 * Here RBAC judges ServiceAccounts (the credentials pods carry) and members of no trusted group;
 * `ClusterAuthorizer` keeps the pre-RBAC policy for the cluster's own identities and its users.
 */
import { isObject } from '../object.js';
import type { AuthorizationAttributes, Authorizer, Decision } from './authorize.js';
import { nonResourceUrlMatches } from './authorize.js';
import type { UserInfo } from './user.js';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
export interface RoleLike {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}
export interface BindingLike {
  metadata: { name?: string; namespace?: string };
  subjects?: Subject[];
  roleRef?: { kind?: string; name?: string };
}

/** Where the authorizer reads the RBAC objects (the watch caches, in the API server). */
export interface RbacSource {
  clusterRoles(): Iterable<RoleLike>;
  clusterRole(name: string): RoleLike | undefined;
  role(namespace: string, name: string): RoleLike | undefined;
  clusterRoleBindings(): Iterable<BindingLike>;
  roleBindings(namespace: string): Iterable<BindingLike>;
}

const has = (list: unknown, v: string) => Array.isArray(list) && list.some((x) => x === '*' || x === v);
/** The object items of a list that may hold anything (stored objects are only type-checked loosely). */
const records = <T>(list: unknown): T[] => (Array.isArray(list) ? (list.filter(isObject) as T[]) : []);
const strings = (list: unknown): string[] => (Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);

function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  // Malformed parts match nothing rather than widening the selector.
  if (Array.isArray(sel.matchExpressions) && sel.matchExpressions.some((e) => !isObject(e))) return false;
  for (const [k, v] of Object.entries(isObject(sel.matchLabels) ? sel.matchLabels : {})) if (labels[k] !== v) return false;
  for (const e of records<{ key?: unknown; operator?: unknown; values?: unknown }>(sel.matchExpressions)) {
    const key = typeof e.key === 'string' ? e.key : '';
    const present = Object.hasOwn(labels, key);
    const value = labels[key] ?? '';
    const ok =
      e.operator === 'In' ? present && strings(e.values).includes(value)
      : e.operator === 'NotIn' ? !present || !strings(e.values).includes(value)
      : e.operator === 'Exists' ? present
      : e.operator === 'DoesNotExist' ? !present
      : false;
    if (!ok) return false;
  }
  return true;
}

/** Whether `rule` allows the request described by `a`. */
export function ruleAllows(rule: PolicyRule, a: AuthorizationAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return strings(rule.nonResourceURLs).some((u) => nonResourceUrlMatches(u, a.path ?? ''));
  if (!has(rule.apiGroups, a.group)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  // As upstream's ResourceMatches: `*`, the exact `resource[/sub]`, or `*/sub`; `pods/*` matches nothing.
  const resourceOk = strings(rule.resources).some((r) => r === '*' || r === combined || (a.subresource !== undefined && r === `*/${a.subresource}`));
  if (!resourceOk) return false;
  // A malformed list still restricts: only a missing or empty one means every name.
  const restricted = Array.isArray(rule.resourceNames) && rule.resourceNames.length > 0;
  return !restricted || (a.name !== undefined && strings(rule.resourceNames).includes(a.name));
}

/** Whether `s` names `user` (a ServiceAccount subject in a RoleBinding defaults to its namespace). */
function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return s.name !== undefined && user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.name === `system:serviceaccount:${s.namespace || bindingNamespace}:${s.name ?? ''}`;
    default:
      return false;
  }
}

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly source: RbacSource) {}

  /**
   * The rules of a ClusterRole, with those of the roles it aggregates, themselves aggregated (admin
   * takes edit, which takes view), as the aggregation controller would have written them.
   */
  private clusterRoleRules(role: RoleLike | undefined, seen = new Set<string>()): PolicyRule[] {
    if (!role || seen.has(role.metadata.name ?? '')) return [];
    seen.add(role.metadata.name ?? '');
    const selectors = records<LabelSelector>(isObject(role.aggregationRule) ? role.aggregationRule['clusterRoleSelectors'] : undefined);
    if (selectors.length === 0) return records<PolicyRule>(role.rules);
    const rules = records<PolicyRule>(role.rules);
    for (const other of this.source.clusterRoles()) {
      const labels = isObject(other.metadata.labels) ? (other.metadata.labels) : {};
      if (selectors.some((sel) => selectorMatches(sel, labels))) rules.push(...this.clusterRoleRules(other, seen));
    }
    return rules;
  }

  /** The rules a binding's roleRef grants: a Role in `namespace`, or a ClusterRole (aggregated). */
  roleRules(kind: 'Role' | 'ClusterRole', namespace: string, name: string): PolicyRule[] {
    return kind === 'Role' ? records<PolicyRule>(this.source.role(namespace, name)?.rules) : this.clusterRoleRules(this.source.clusterRole(name));
  }

  /** Every rule that applies to `user` in `namespace` (cluster-wide ones when it is empty). */
  rulesFor(user: UserInfo, namespace?: string): PolicyRule[] {
    const rules: PolicyRule[] = [];
    for (const b of this.source.clusterRoleBindings()) {
      const ref = isObject(b.roleRef) ? b.roleRef : {};
      if (ref.kind !== 'ClusterRole' || !records<Subject>(b.subjects).some((s) => subjectMatches(s, user, ''))) continue;
      rules.push(...this.clusterRoleRules(this.source.clusterRole(String(ref.name ?? ''))));
    }
    if (namespace) {
      for (const b of this.source.roleBindings(namespace)) {
        if (!records<Subject>(b.subjects).some((s) => subjectMatches(s, user, namespace))) continue;
        const ref = isObject(b.roleRef) ? b.roleRef : {};
        const name = String(ref.name ?? '');
        const found = ref.kind === 'Role' ? records<PolicyRule>(this.source.role(namespace, name)?.rules) : ref.kind === 'ClusterRole' ? this.clusterRoleRules(this.source.clusterRole(name)) : [];
        // Non-resource rules count only through ClusterRoleBindings.
        rules.push(...found.filter((r) => strings(r.nonResourceURLs).length === 0));
      }
    }
    return rules;
  }

  authorize(a: AuthorizationAttributes): Decision {
    return { allowed: this.rulesFor(a.user, a.resourceRequest ? a.namespace : undefined).some((r) => ruleAllows(r, a)) };
  }
}

/** ServiceAccount users: the credentials pods carry, judged by RBAC. */
export const isServiceAccountUser = (u: UserInfo) => u.name.startsWith('system:serviceaccount:');

/**
 * The API server's policy: system:masters may do anything; ServiceAccounts get what RBAC grants
 * them (as on any Kubernetes cluster, a pod's account starts with discovery and self-reviews only);
 * every other identity keeps the pre-RBAC `fallback` (the cluster's own components and its users
 * are trusted; anonymous users see version and health).
 */
export class ClusterAuthorizer implements Authorizer {
  constructor(
    readonly rbac: RbacAuthorizer,
    private readonly fallback: Authorizer,
  ) {}

  /** Whether RBAC (rather than the trusted policy) judges `u`. */
  judgedByRbac(u: UserInfo): boolean {
    return !u.groups.includes('system:masters') && isServiceAccountUser(u);
  }

  authorize(a: AuthorizationAttributes): Decision {
    if (a.user.groups.includes('system:masters')) return { allowed: true };
    if (isServiceAccountUser(a.user)) return this.rbac.authorize(a);
    return this.fallback.authorize(a);
  }
}
