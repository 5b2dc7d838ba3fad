// The Pod table: Ready, the aggregate Status (upstream printPod's reason computation: init
// progress, waiting/terminated reasons, Completed-but-running, Terminating, NodeLost), Restarts
// with the age of the last restart, and the wide IP/Node/Nominated Node/Readiness Gates columns.
import { asObject, get, int, obj, objs, str, time } from '../../api/printing/access.js';
import { AGE, NAME, s } from './columns.js';
import { DESCRIPTIONS } from './descriptions.js';
import { since } from '../../api/printing/format.js';
import type { RowCondition, TableConvertor } from './types.js';

const COLUMNS = [
  NAME,
  s('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  s('Status', 'The aggregate status of the containers in this pod.'),
  s('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE,
  s('IP', DESCRIPTIONS.podIP, true),
  s('Node', DESCRIPTIONS.nodeName, true),
  s('Nominated Node', DESCRIPTIONS.nominatedNodeName, true),
  s('Readiness Gates', DESCRIPTIONS.readinessGates, true),
];

/** The later of two times, where undefined is Go's zero time (before everything). */
function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (b === undefined) return a;
  if (a === undefined) return b;
  return b.getTime() > a.getTime() ? b : a;
}

/** `lastState.terminated.finishedAt` when the container has a last termination (else unchanged). */
function lastTermination(current: Date | undefined, status: Record<string, unknown>): Date | undefined {
  const terminated = asObject(get(status, 'lastState', 'terminated'));
  return terminated === undefined ? current : later(current, time(terminated, 'finishedAt'));
}

/** "Signal:N" or "ExitCode:N" for a termination without a reason. */
function exitText(terminated: Record<string, unknown>): string {
  const signal = int(terminated, 'signal');
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(terminated, 'exitCode')}`;
}

function conditionIs(status: Record<string, unknown>, type: string): boolean {
  return objs(status, 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

/** Whether the first `Initialized` condition is True (upstream `isPodInitializedConditionTrue`). */
function initializedTrue(status: Record<string, unknown>): boolean {
  const c = objs(status, 'conditions').find((x) => str(x, 'type') === 'Initialized');
  return c !== undefined && str(c, 'status') === 'True';
}

function podCells(pod: Record<string, unknown>, now: Date): unknown[] {
  const spec = obj(pod, 'spec');
  const status = obj(pod, 'status');
  const initSpecs = objs(spec, 'initContainers');
  const sidecars = initSpecs.filter((c) => str(c, 'restartPolicy') === 'Always');
  const restartable = new Set(sidecars.map((c) => str(c, 'name')));
  const total = objs(spec, 'containers').length + sidecars.length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: Date | undefined;
  let lastSidecarRestart: Date | undefined;

  const phase = str(status, 'phase');
  let reason = str(status, 'reason') || phase;
  for (const c of objs(status, 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = objs(status, 'initContainerStatuses');
  for (const [idx, c] of initStatuses.entries()) {
    restarts += int(c, 'restartCount');
    lastRestart = lastTermination(lastRestart, c);
    const isSidecar = restartable.has(str(c, 'name'));
    if (isSidecar) {
      sidecarRestarts += int(c, 'restartCount');
      lastSidecarRestart = lastTermination(lastSidecarRestart, c);
    }
    const terminated = asObject(get(c, 'state', 'terminated'));
    const waitingReason = str(c, 'state', 'waiting', 'reason');
    if (terminated !== undefined && int(terminated, 'exitCode') === 0) continue;
    if (isSidecar && get(c, 'started') === true) {
      if (get(c, 'ready') === true) ready++;
      continue;
    }
    if (terminated !== undefined) {
      const r = str(terminated, 'reason');
      reason = r === '' ? `Init:${exitText(terminated)}` : `Init:${r}`;
    } else if (waitingReason !== '' && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${idx}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(status)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status, 'containerStatuses');
    for (let k = statuses.length - 1; k >= 0; k--) {
      const c = statuses[k] ?? {};
      restarts += int(c, 'restartCount');
      lastRestart = lastTermination(lastRestart, c);
      const terminated = asObject(get(c, 'state', 'terminated'));
      const waitingReason = str(c, 'state', 'waiting', 'reason');
      if (waitingReason !== '') reason = waitingReason;
      else if (terminated !== undefined) reason = str(terminated, 'reason') || exitText(terminated);
      else if (get(c, 'ready') === true && asObject(get(c, 'state', 'running')) !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed while another still runs is shown by its readiness.
    if (reason === 'Completed' && hasRunning) reason = conditionIs(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = get(pod, 'metadata', 'deletionTimestamp') != null;
  if (deleting && str(status, 'reason') === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts);

  // v1 → internal conversion makes status.podIP authoritative over podIPs[0].
  const ip = str(status, 'podIP') || str(objs(status, 'podIPs')[0], 'ip') || '<none>';
  const gates = objs(spec, 'readinessGates');
  let gatesText = '<none>';
  if (gates.length > 0) {
    const conditions = objs(status, 'conditions');
    const trueCount = gates.filter((g) => str(conditions.find((c) => str(c, 'type') === str(g, 'conditionType')), 'status') === 'True').length;
    gatesText = `${trueCount}/${gates.length}`;
  }
  return [
    str(pod, 'metadata', 'name'),
    `${ready}/${total}`,
    reason,
    restartsText,
    since(time(pod, 'metadata', 'creationTimestamp'), now),
    ip,
    str(spec, 'nodeName') || '<none>',
    str(status, 'nominatedNodeName') || '<none>',
    gatesText,
  ];
}

function podConditions(pod: Record<string, unknown>): RowCondition[] | undefined {
  const phase = str(pod, 'status', 'phase');
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

/** The Pod convertor (core/v1 Pod). */
export const podTable: TableConvertor = { columns: COLUMNS, cells: podCells, conditions: podConditions };
