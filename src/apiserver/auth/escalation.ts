/**
 * RBAC's escalation prevention, as kube-apiserver's RBAC storage enforces it for users RBAC judges:
 * a Role or ClusterRole may only grant what its writer already holds (or the writer has the
 * `escalate` verb on it), and a binding may only point at a role whose every permission the writer
 * holds where the binding applies (or the writer has the `bind` verb on that role). Writing an
 * aggregationRule needs `escalate`. Refusals are worded as upstream's.
 */
import { isObject } from '../object.js';
import { forbidden } from '../../api/errors.js';
import type { StoredObject } from '../object.js';
import type { Authorizer } from './authorize.js';
import { goQuote } from './authorize.js';
import type { PolicyRule, RbacAuthorizer } from './rbac.js';
import type { UserInfo } from './user.js';

const GROUP = 'rbac.authorization.k8s.io';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const has = (list: string[], v: string) => list.includes('*') || list.includes(v);

/** One verb on one thing: what a rule breaks down into for the coverage check. */
interface Atom {
  verb: string;
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
}

function atoms(rules: PolicyRule[]): Atom[] {
  const out: Atom[] = [];
  for (const r of rules) {
    if (!isObject(r)) continue;
    const verbs = strings(r.verbs);
    const urls = strings(r.nonResourceURLs);
    if (urls.length > 0) {
      for (const url of urls) for (const verb of verbs) out.push({ verb, url });
      continue;
    }
    const names = strings(r.resourceNames);
    for (const group of strings(r.apiGroups)) {
      for (const resource of strings(r.resources)) {
        for (const name of names.length ? names : [undefined]) for (const verb of verbs) out.push({ verb, group, resource, name });
      }
    }
  }
  return out;
}

/** Whether `owner` covers `a`, by upstream's Covers: a wildcard in `a` needs one in `owner`. */
function covered(owner: PolicyRule, a: Atom): boolean {
  if (!has(strings(owner.verbs), a.verb)) return false;
  if (a.url !== undefined) {
    return strings(owner.nonResourceURLs).some((u) => u === '*' || u === a.url || (u.endsWith('*') && a.url!.startsWith(u.slice(0, -1))));
  }
  if (!has(strings(owner.apiGroups), a.group ?? '')) return false;
  const resources = strings(owner.resources);
  const slash = (a.resource ?? '').indexOf('/');
  if (!resources.includes('*') && !resources.includes(a.resource ?? '') && !(slash > 0 && resources.includes(`*${(a.resource ?? '').slice(slash)}`))) return false;
  const names = strings(owner.resourceNames);
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

/** rbacv1helpers.CompactString of one atom. */
function compact(a: Atom): string {
  if (a.url !== undefined) return `{NonResourceURLs:[${goQuote(a.url)}], Verbs:[${goQuote(a.verb)}]}`;
  return `{APIGroups:[${goQuote(a.group ?? '')}], Resources:[${goQuote(a.resource ?? '')}]${a.name !== undefined ? `, ResourceNames:[${goQuote(a.name)}]` : ''}, Verbs:[${goQuote(a.verb)}]}`;
}

export interface RbacWrite {
  plural: string;
  namespace: string;
  obj: StoredObject;
}

/**
 * Throws 403 when `user` (one RBAC judges) would grant through `w` permissions it does not hold.
 * Objects other than RBAC's own pass untouched.
 */
export function confirmNoEscalation(rbac: RbacAuthorizer, authz: Authorizer, user: UserInfo, group: string, w: RbacWrite): void {
  if (group !== GROUP) return;
  const name = w.obj.metadata.name ?? '';
  const ns = w.namespace || undefined;
  const refuse = (why: string) => {
    throw forbidden(`${w.plural}.${GROUP} ${goQuote(name)} is forbidden: ${why}`);
  };
  const allowedTo = (verb: string, resource: string, target: string, namespace?: string) =>
    authz.authorize({ user, verb, group: GROUP, resource, name: target, namespace, resourceRequest: true }).allowed;
  let granted: PolicyRule[];
  let scope: string | undefined;
  if (w.plural === 'roles' || w.plural === 'clusterroles') {
    if (allowedTo('escalate', w.plural, name, ns)) return;
    const agg = w.obj['aggregationRule'];
    if (isObject(agg) && Array.isArray(agg['clusterRoleSelectors']) && agg['clusterRoleSelectors'].length > 0) refuse('must have cluster-admin privileges to use the aggregationRule');
    granted = Array.isArray(w.obj['rules']) ? (w.obj['rules'] as PolicyRule[]) : [];
    scope = ns;
  } else if (w.plural === 'rolebindings' || w.plural === 'clusterrolebindings') {
    const ref = isObject(w.obj['roleRef']) ? w.obj['roleRef'] : {};
    const kind = ref['kind'] === 'Role' ? 'roles' : 'clusterroles';
    const refName = typeof ref['name'] === 'string' ? ref['name'] : '';
    // A ClusterRole bound in a namespace grants only there: `bind` may be held in that namespace.
    if (allowedTo('bind', kind, refName, ns)) return;
    granted = rbac.roleRules(kind === 'roles' ? 'Role' : 'ClusterRole', ns ?? '', refName);
    scope = ns;
  } else {
    return;
  }
  const owner = rbac.rulesFor(user, scope);
  const missing = atoms(granted).filter((a) => !owner.some((o) => isObject(o) && covered(o, a)));
  if (missing.length === 0) return;
  const groups = `[${user.groups.map(goQuote).join(' ')}]`;
  refuse(`user ${goQuote(user.name)} (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compact).join('\n')}`);
}
