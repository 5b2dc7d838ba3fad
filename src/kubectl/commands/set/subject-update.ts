/**
 * What `kubectl set subject` adds to a RoleBinding or ClusterRoleBinding: the subjects built from
 * `--user`, `--group` and `--serviceaccount` (each list de-duplicated and sorted, users first), the
 * checks kubectl makes on them, and the addition itself, which skips subjects already bound.
 */
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';

/** An rbacv1.Subject, fields in the struct's order. */
export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

/** The values of the three flags. */
export interface SubjectFlags {
  users: string[];
  groups: string[];
  serviceAccounts: string[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const sortedSet = (values: string[]): string[] => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** True for the kinds `set subject` can change. */
export function isBinding(obj: KubeObject): boolean {
  return obj.apiVersion === `${RBAC_GROUP}/v1` && (obj.kind === 'RoleBinding' || obj.kind === 'ClusterRoleBinding');
}

/**
 * SubjectOptions.Validate's checks of the flags: at least one subject, every service account as
 * `<namespace>:<name>`, and a namespace given when a ClusterRoleBinding is among the objects.
 */
export function validateSubjects(f: SubjectFlags, objects: KubeObject[]): void {
  if (f.users.length === 0 && f.groups.length === 0 && f.serviceAccounts.length === 0) {
    throw new CliError('you must specify at least one value of user, group or serviceaccount');
  }
  const clusterWide = objects.some((o) => o.apiVersion === `${RBAC_GROUP}/v1` && o.kind === 'ClusterRoleBinding');
  for (const sa of f.serviceAccounts) {
    const tokens = sa.split(':');
    if (tokens.length !== 2 || tokens[1] === '') throw new CliError('serviceaccount must be <namespace>:<name>');
    if (clusterWide && tokens[0] === '') throw new CliError('serviceaccount must be <namespace>:<name>, namespace must be specified');
  }
}

/** The subjects to bind; a service account without a namespace gets `namespace` (the command's). */
export function subjectsFor(f: SubjectFlags, namespace: string): Subject[] {
  const out: Subject[] = [];
  for (const name of sortedSet(f.users)) out.push({ kind: 'User', apiGroup: RBAC_GROUP, name });
  for (const name of sortedSet(f.groups)) out.push({ kind: 'Group', apiGroup: RBAC_GROUP, name });
  for (const sa of sortedSet(f.serviceAccounts)) {
    const [ns = '', name = ''] = sa.split(':');
    out.push({ kind: 'ServiceAccount', name, namespace: ns || namespace });
  }
  return out;
}

const sameSubject = (a: Subject, b: Subject): boolean =>
  a.kind === b.kind && (a.apiGroup ?? '') === (b.apiGroup ?? '') && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/**
 * addSubjects: appends the subjects not already present (compared field by field, as Go compares
 * the structs). Returns false, leaving `obj` alone, when there was nothing to add.
 */
export function addSubjects(obj: KubeObject, subjects: Subject[]): boolean {
  const holder = obj as { subjects?: Subject[] };
  const existing = holder.subjects ?? [];
  const added = subjects.filter((s) => !existing.some((e) => sameSubject(e, s)));
  if (added.length === 0) return false;
  holder.subjects = [...existing, ...added];
  return true;
}
