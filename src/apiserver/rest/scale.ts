/** The scale subresource: an autoscaling/v1 Scale view of a workload's replicas and selector. */
import { badRequest, conflict } from '../../api/errors.js';
import { isObject, type StoredObject } from '../object.js';
import type { Resource } from '../registry.js';

function selectorString(res: Resource, spec: Record<string, unknown>): string {
  const sel = spec['selector'];
  if (!isObject(sel)) return '';
  // ReplicationControllers have a plain map; apps kinds have a LabelSelector.
  const labels = res.kind === 'ReplicationController' ? sel : isObject(sel['matchLabels']) ? sel['matchLabels'] : {};
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`);
  const exprs = Array.isArray(sel['matchExpressions']) ? (sel['matchExpressions'] as Array<Record<string, unknown>>) : [];
  for (const e of exprs) {
    const key = String(e['key']);
    const values = Array.isArray(e['values']) ? (e['values'] as string[]).join(',') : '';
    if (e['operator'] === 'In') parts.push(`${key} in (${values})`);
    else if (e['operator'] === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (e['operator'] === 'Exists') parts.push(key);
    else if (e['operator'] === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.sort().join(',');
}

export function scaleOf(res: Resource, obj: StoredObject): Record<string, unknown> {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const status = isObject(obj['status']) ? obj['status'] : {};
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 0 },
    status: { replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0, selector: selectorString(res, spec) },
  };
}

/** Writes a Scale's spec.replicas into the workload; a PUT's resourceVersion must match. */
export function setScale(res: Resource, obj: StoredObject, scale: Record<string, unknown>, checkVersion: boolean): StoredObject {
  const spec = isObject(scale['spec']) ? scale['spec'] : {};
  const replicas = spec['replicas'];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest(`Scale.spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const meta = isObject(scale['metadata']) ? scale['metadata'] : {};
  if (checkVersion && typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] && meta['resourceVersion'] !== obj.metadata.resourceVersion) {
    throw conflict({ group: res.group, resource: res.plural }, obj.metadata.name ?? '');
  }
  obj['spec'] = { ...(isObject(obj['spec']) ? obj['spec'] : {}), replicas };
  return obj;
}
