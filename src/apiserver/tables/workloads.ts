// Tables of the apps workloads and their relatives: Deployment, ReplicaSet, ReplicationController,
// StatefulSet, DaemonSet, ControllerRevision and PodDisruptionBudget.
import { get, int, obj, objs, optInt, str, strMap } from '../../api/printing/access.js';
import { AGE, CONTAINERS, IMAGES, NAME, i, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { ageOf, containerCells, formatLabelSelector, formatLabels, intOrString, nameOf, selectorString } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

/**
 * `spec.replicas`, which v1 defaulting sets to 1 before upstream printers ever see the object;
 * an object that reached us undefaulted prints as the defaulted one would.
 */
const replicas = (o: unknown): number => optInt(o, 'spec', 'replicas') ?? 1;

/** Deployment: Ready "2/3", Up-to-date, Available. */
export const deploymentTable: TableConvertor = {
  columns: [
    NAME,
    s('Ready', 'Number of the pod with ready state'),
    s('Up-to-date', D.deployUpdated),
    s('Available', D.deployAvailable),
    AGE,
    CONTAINERS,
    IMAGES,
    s('Selector', D.deploySelector, true),
  ],
  cells: (o, now) => [
    nameOf(o),
    `${int(o, 'status', 'readyReplicas')}/${replicas(o)}`,
    int(o, 'status', 'updatedReplicas'),
    int(o, 'status', 'availableReplicas'),
    ageOf(o, now),
    ...containerCells(get(o, 'spec', 'template', 'spec')),
    selectorString(get(o, 'spec', 'selector')),
  ],
};

/** ReplicaSet: Desired, Current, Ready. */
export const replicaSetTable: TableConvertor = {
  columns: [NAME, i('Desired', D.rsSpecReplicas), i('Current', D.rsStatusReplicas), i('Ready', D.rsReadyReplicas), AGE, CONTAINERS, IMAGES, s('Selector', D.rsSelector, true)],
  cells: (o, now) => [
    nameOf(o),
    replicas(o),
    int(o, 'status', 'replicas'),
    int(o, 'status', 'readyReplicas'),
    ageOf(o, now),
    ...containerCells(get(o, 'spec', 'template', 'spec')),
    formatLabelSelector(get(o, 'spec', 'selector')),
  ],
};

/** ReplicationController: as ReplicaSet, with a map selector. */
export const replicationControllerTable: TableConvertor = {
  columns: [NAME, i('Desired', D.rcSpecReplicas), i('Current', D.rcStatusReplicas), i('Ready', D.rcReadyReplicas), AGE, CONTAINERS, IMAGES, s('Selector', D.rcSelector, true)],
  cells: (o, now) => [
    nameOf(o),
    replicas(o),
    int(o, 'status', 'replicas'),
    int(o, 'status', 'readyReplicas'),
    ageOf(o, now),
    ...containerCells(get(o, 'spec', 'template', 'spec')),
    formatLabels(strMap(o, 'spec', 'selector')),
  ],
};

/** StatefulSet: Ready "1/3". */
export const statefulSetTable: TableConvertor = {
  columns: [NAME, s('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  cells: (o, now) => [nameOf(o), `${int(o, 'status', 'readyReplicas')}/${replicas(o)}`, ageOf(o, now), ...containerCells(get(o, 'spec', 'template', 'spec'))],
};

/** DaemonSet: Desired, Current, Ready, Up-to-date, Available, Node Selector. */
export const daemonSetTable: TableConvertor = {
  columns: [
    NAME,
    i('Desired', D.dsDesired),
    i('Current', D.dsCurrent),
    i('Ready', D.dsReady),
    i('Up-to-date', D.dsUpdated),
    i('Available', D.dsAvailable),
    s('Node Selector', D.nodeSelector),
    AGE,
    CONTAINERS,
    IMAGES,
    s('Selector', D.dsSelector, true),
  ],
  cells: (o, now) => [
    nameOf(o),
    int(o, 'status', 'desiredNumberScheduled'),
    int(o, 'status', 'currentNumberScheduled'),
    int(o, 'status', 'numberReady'),
    int(o, 'status', 'updatedNumberScheduled'),
    int(o, 'status', 'numberAvailable'),
    formatLabels(strMap(o, 'spec', 'template', 'spec', 'nodeSelector')),
    ageOf(o, now),
    ...containerCells(get(o, 'spec', 'template', 'spec')),
    formatLabelSelector(get(o, 'spec', 'selector')),
  ],
};

/** `kind.group/name` of the controlling owner (upstream `formatResourceName` with kind), or `<none>`. */
function controllerName(o: Record<string, unknown>): string {
  const ref = objs(o, 'metadata', 'ownerReferences').find((r) => get(r, 'controller') === true);
  if (ref === undefined) return '<none>';
  const apiVersion = str(ref, 'apiVersion');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = str(ref, 'kind');
  if (group === '' && kind === '') return str(ref, 'name');
  return `${(group === '' ? kind : `${kind}.${group}`).toLowerCase()}/${str(ref, 'name')}`;
}

/** ControllerRevision: Controller ("daemonset.apps/web"), Revision. */
export const controllerRevisionTable: TableConvertor = {
  columns: [NAME, s('Controller', 'Controller of the object'), s('Revision', D.crRevision), AGE],
  cells: (o, now) => [nameOf(o), controllerName(o), int(o, 'revision'), ageOf(o, now)],
};

/** PodDisruptionBudget: Min Available, Max Unavailable ("N/A" when unset), Allowed Disruptions. */
export const podDisruptionBudgetTable: TableConvertor = {
  columns: [
    NAME,
    s('Min Available', 'The minimum number of pods that must be available.'),
    s('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    i('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  cells: (o, now) => {
    const spec = obj(o, 'spec');
    const min = spec['minAvailable'] === undefined || spec['minAvailable'] === null ? 'N/A' : intOrString(spec['minAvailable']);
    const max = spec['maxUnavailable'] === undefined || spec['maxUnavailable'] === null ? 'N/A' : intOrString(spec['maxUnavailable']);
    return [nameOf(o), min, max, int(o, 'status', 'disruptionsAllowed'), ageOf(o, now)];
  },
};
