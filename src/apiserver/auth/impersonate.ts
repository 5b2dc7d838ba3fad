/**
 * User impersonation, as kube-apiserver's WithImpersonation filter: `Impersonate-User`,
 * `Impersonate-Uid`, `Impersonate-Group` (repeatable) and `Impersonate-Extra-<key>` headers make the
 * request act as another user, once the authenticated requester is allowed the `impersonate` verb
 * on each thing asked for (users, groups, serviceaccounts, uids, userextras). A ServiceAccount
 * username (`system:serviceaccount:ns:name`) is checked as that account and gets its groups unless
 * groups are given; a non-anonymous result always carries system:authenticated (unless
 * system:unauthenticated was asked for), an anonymous one system:unauthenticated.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { internalError } from '../../api/errors.js';
import { forbiddenError, type AuthorizationAttributes, type Authorizer } from './authorize.js';
import { Groups, Users, type UserInfo } from './user.js';

const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHN_GROUP = 'authentication.k8s.io';

/** One thing asked for, as upstream's ObjectReference (its `%v` form appears in one error). */
interface Ask {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UID' | 'UserExtra';
  namespace?: string;
  name: string;
  apiVersion?: string;
  fieldPath?: string;
}

/** Go's `%v` of a v1.ObjectReference: its seven fields, space separated. */
const goRef = (a: Ask) => `{${[a.kind, a.namespace ?? '', a.name, '', a.apiVersion ?? '', '', a.fieldPath ?? ''].join(' ')}}`;

/** The values of a header, however Node delivered them (`headersDistinct` keeps repeats apart). */
type Headers = IncomingHttpHeaders | NodeJS.Dict<string[]>;
function values(h: Headers, name: string): string[] {
  const v = h[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** `system:serviceaccount:<ns>:<name>` split, or undefined for any other username. */
function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  const parts = username.split(':');
  if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount' || !parts[2] || !parts[3]) return undefined;
  return { namespace: parts[2], name: parts[3] };
}

/** Whether `headers` ask for impersonation at all. */
export function wantsImpersonation(headers: Headers): boolean {
  return Object.keys(headers).some((k) => k === 'impersonate-user' || k === 'impersonate-uid' || k === 'impersonate-group' || k.startsWith(EXTRA_PREFIX));
}

/**
 * The user `requester` acts as, or `requester` itself when nothing is asked. Throws 403 (the
 * Forbidden of the first thing not allowed) or 500 (groups, extras or a uid without a user).
 */
export function impersonate(requester: UserInfo, headers: Headers, authz: Authorizer): UserInfo {
  if (!wantsImpersonation(headers)) return requester;
  const asks: Ask[] = [];
  const username = values(headers, 'impersonate-user')[0] ?? '';
  if (username) {
    const sa = serviceAccountOf(username);
    asks.push(sa ? { kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name } : { kind: 'User', name: username });
  }
  const groupsAsked = values(headers, 'impersonate-group');
  for (const g of groupsAsked) asks.push({ kind: 'Group', name: g });
  const extra: Record<string, string[]> = {};
  for (const header of Object.keys(headers).filter((k) => k.startsWith(EXTRA_PREFIX)).sort()) {
    // Header names arrive lowercased; the percent-escapes are undone after, so `%41` stays `A`.
    let key = header.slice(EXTRA_PREFIX.length).toLowerCase();
    try {
      key = decodeURIComponent(key);
    } catch {
      // Not valid percent-encoding: upstream keeps the raw key.
    }
    for (const v of values(headers, header)) {
      asks.push({ kind: 'UserExtra', name: v, apiVersion: `${AUTHN_GROUP}/v1`, fieldPath: key });
      (extra[key] ??= []).push(v);
    }
  }
  const uid = values(headers, 'impersonate-uid')[0] ?? '';
  if (uid) asks.push({ kind: 'UID', name: uid, apiVersion: `${AUTHN_GROUP}/v1` });
  // Headers that ask for nothing (empty values) change nothing, as upstream's filter.
  if (asks.length === 0) return requester;
  if (!username) throw internalError(`requested [${asks.map(goRef).join(' ')}] without impersonating a user`);

  let groups: string[] = [];
  for (const a of asks) {
    const attrs: AuthorizationAttributes = { user: requester, verb: 'impersonate', group: '', resource: '', name: a.name, resourceRequest: true };
    switch (a.kind) {
      case 'ServiceAccount':
        Object.assign(attrs, { resource: 'serviceaccounts', namespace: a.namespace });
        if (groupsAsked.length === 0) groups = ['system:serviceaccounts', `system:serviceaccounts:${a.namespace ?? ''}`];
        break;
      case 'User':
        attrs.resource = 'users';
        break;
      case 'Group':
        attrs.resource = 'groups';
        groups.push(a.name);
        break;
      case 'UID':
        Object.assign(attrs, { resource: 'uids', group: AUTHN_GROUP });
        break;
      case 'UserExtra':
        Object.assign(attrs, { resource: 'userextras', group: AUTHN_GROUP, subresource: a.fieldPath });
        break;
    }
    const decision = authz.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }
  if (username !== Users.anonymous) {
    if (!groups.includes(Groups.authenticated) && !groups.includes(Groups.unauthenticated)) groups.push(Groups.authenticated);
  } else if (!groups.includes(Groups.unauthenticated)) {
    groups.push(Groups.unauthenticated);
  }
  return { name: username, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}
