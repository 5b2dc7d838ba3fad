/**
 * Where an object keeps its pod spec (kubectl's UpdatePodSpecForObject): a Pod's own spec, the
 * template of an RC, Deployment, DaemonSet, ReplicaSet, StatefulSet or Job, the job template of a
 * CronJob. Also kubectl's container selection by name with `*` wildcards (set env/resources -c).
 */
import type { Container, PodSpec } from '../../api/generated/core/v1.js';
import type { KubeObject } from '../../client/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function child(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const made: Obj = {};
  parent[key] = made;
  return made;
}

/** The group/kind pairs whose pod spec kubectl can reach, and the path to it. */
const templateKinds: Record<string, string[]> = {
  '/Pod': ['spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** `apps/Deployment` for an object with `apiVersion: apps/v1, kind: Deployment`. */
export function groupKind(obj: KubeObject): string {
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${group}/${obj.kind ?? ''}`;
}

/**
 * The pod spec inside `obj` (created empty along the way, as the Go structs would have it), or
 * undefined for kinds without one.
 */
export function podSpecOf(obj: KubeObject): PodSpec | undefined {
  const path = templateKinds[groupKind(obj)];
  if (!path) return undefined;
  let at = obj as unknown as Obj;
  for (const key of path) at = child(at, key);
  return at as unknown as PodSpec;
}

/**
 * kubectl's Go type name for "the object is not a pod or does not have a pod template: %T". `%T`
 * names the package, not its import alias, and every k8s.io/api package is named after its
 * version: `*v1.Service`, `*v1.Ingress`, `*v2.HorizontalPodAutoscaler`.
 */
export function goTypeOf(obj: KubeObject): string {
  const apiVersion = obj.apiVersion ?? 'v1';
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `*${version}.${obj.kind ?? 'Unknown'}`;
}

/** kubectl's selectString: `*` alone matches all; otherwise a non-greedy `*` wildcard match. */
export function selectString(s: string, spec: string): boolean {
  if (spec === '*') return true;
  if (!spec.includes('*')) return s === spec;
  const parts = spec.split('*');
  let pos = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '') continue;
    // Mirrors kubectl: the index is searched from pos but compared as an offset into the rest.
    const next = s.slice(pos).indexOf(part);
    if (next < pos) return false;
    if (i === 0 && pos !== 0) return false;
    if (i === parts.length - 1 && s.length !== part.length + next) return false;
    pos = next;
  }
  return true;
}

/** The containers (then init containers) whose names match `spec`. */
export function selectContainers(spec: PodSpec, pattern: string): Container[] {
  const containers = (spec.containers ?? []).filter((c) => selectString(c.name, pattern));
  const init = (spec.initContainers ?? []).filter((c) => selectString(c.name, pattern));
  return [...containers, ...init];
}
