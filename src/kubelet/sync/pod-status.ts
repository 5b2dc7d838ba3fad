/**
 * A pod's status computed from what the runtime holds, what the kubelet is waiting on, and the
 * probes: container statuses, phase and conditions, the way the kubelet's generateAPIPodStatus and
 * getPhase do it. Pure: everything it needs comes in as arguments.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import { qosClass } from '../pod/resources.js';
import type { RuntimeContainer, RuntimePod } from './runtime.js';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  runtime: RuntimePod | undefined;
  /** Why a container is not running, as the last sync found it (ErrImagePull, CrashLoopBackOff, ...). */
  waiting: ReadonlyMap<string, Waiting>;
  ready(name: string): boolean;
  started(name: string): boolean;
  /** Termination message of a finished container, if it left one. */
  terminationMessage?(c: RuntimeContainer): string | undefined;
  hostIP: string;
  now: number;
  /** The pod is being killed: report containers as they stop, never start-up reasons. */
  terminating?: boolean;
}

function terminated(c: RuntimeContainer, message: string | undefined): ContainerState {
  const reason = c.reason || (c.exitCode === 0 ? 'Completed' : 'Error');
  return {
    terminated: {
      exitCode: c.exitCode,
      reason,
      ...(message ? { message } : {}),
      startedAt: c.startedAt ? rfc3339(c.startedAt) : undefined,
      finishedAt: c.finishedAt ? rfc3339(c.finishedAt) : undefined,
      containerID: `containerd://${c.id}`,
    },
  };
}

function containerStatus(spec: Container, runs: RuntimeContainer[], input: StatusInput, defaultWaiting: Waiting): ContainerStatus {
  const [latest, previous] = runs;
  const message = (c: RuntimeContainer) => input.terminationMessage?.(c);
  const waiting = input.waiting.get(spec.name);
  let state: ContainerState;
  let lastState: ContainerState = {};
  if (latest?.state === 'running') {
    state = { running: { startedAt: rfc3339(latest.startedAt || latest.createdAt) } };
    if (previous?.state === 'exited') lastState = terminated(previous, message(previous));
  } else if (latest?.state === 'exited') {
    if (waiting && !input.terminating) {
      state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
      lastState = terminated(latest, message(latest));
    } else {
      state = terminated(latest, message(latest));
      if (previous?.state === 'exited') lastState = terminated(previous, message(previous));
    }
  } else {
    const w = waiting ?? defaultWaiting;
    state = { waiting: { reason: w.reason, ...(w.message ? { message: w.message } : {}) } };
    if (latest?.state === 'created' && !waiting) state = { waiting: { reason: 'ContainerCreating' } };
    if (previous?.state === 'exited') lastState = terminated(previous, message(previous));
  }
  const running = latest?.state === 'running';
  return {
    name: spec.name,
    state,
    lastState,
    ready: running && input.ready(spec.name),
    restartCount: latest?.restartCount ?? 0,
    image: spec.image ?? '',
    imageID: latest?.imageRef ?? '',
    ...(latest ? { containerID: `containerd://${latest.id}` } : {}),
    started: running && input.started(spec.name),
  };
}

const isSuccess = (s: ContainerStatus) => s.state?.terminated?.exitCode === 0;

/** getPhase: Pending until init containers finish and app containers have started; then by restart policy. */
export function podPhase(pod: Pod, init: ContainerStatus[], app: ContainerStatus[]): NonNullable<PodStatus['phase']> {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  for (const s of init) {
    if (isSuccess(s)) continue;
    if (policy === 'Never' && s.state?.terminated && s.state.terminated.exitCode !== 0) return 'Failed';
    return 'Pending';
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of app) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === app.length && app.length > 0) {
    if (policy === 'Always') return 'Running';
    if (policy === 'OnFailure') return succeeded === stopped ? 'Succeeded' : 'Running';
    return succeeded === stopped ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

function condition(prev: PodCondition[] | undefined, now: string, type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  return {
    type,
    status,
    lastTransitionTime: old?.status === status ? old.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}),
    ...(!ok && message ? { message } : {}),
  };
}

/** The pod conditions the kubelet owns; any other condition belongs to another component. */
export const KUBELET_CONDITIONS: ReadonlySet<string> = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

/** The full status the kubelet would post for this pod now. */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const prev = pod.status ?? {};
  const runs = (name: string, init: boolean) => (input.runtime?.containers ?? []).filter((c) => c.name === name && c.init === init);
  const initSpecs = pod.spec?.initContainers ?? [];
  const initStatuses = initSpecs.map((c) => containerStatus(c, runs(c.name, true), input, { reason: 'PodInitializing' }));
  const initialized = initStatuses.every(isSuccess);
  const appStatuses = (pod.spec?.containers ?? []).map((c) =>
    containerStatus(c, runs(c.name, false), input, { reason: initialized ? 'ContainerCreating' : 'PodInitializing' }),
  );
  let phase = podPhase(pod, initStatuses, appStatuses);
  // A pod being deleted whose containers have all stopped will never run again: it is terminal.
  if (input.terminating && !appStatuses.some((s) => s.state?.running)) phase = appStatuses.every(isSuccess) ? 'Succeeded' : 'Failed';
  // A pod that reached a terminal phase stays there, whatever the runtime later shows.
  if (prev.phase === 'Succeeded' || prev.phase === 'Failed') phase = prev.phase;
  const now = rfc3339(input.now);
  const sandbox = input.runtime?.sandboxes[0];
  const podIP = pod.spec?.hostNetwork ? input.hostIP : sandbox?.ready && sandbox.ip ? sandbox.ip : phase === 'Succeeded' || phase === 'Failed' ? prev.podIP : sandbox?.ip;
  const unready = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = initStatuses.filter((s) => !isSuccess(s)).map((s) => s.name);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = unready.length === 0 && !terminal;
  // Readiness gates: Ready also needs every gate's condition (set by others) to be True.
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesOpen = gates.every((t) => prev.conditions?.some((c) => c.type === t && c.status === 'True'));
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const conditions: PodCondition[] = [
    condition(prev.conditions, now, 'PodReadyToStartContainers', Boolean(sandbox?.ready)),
    condition(prev.conditions, now, 'Initialized', initialized || terminal, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    containersReady && !gatesOpen
      ? condition(prev.conditions, now, 'Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${gates.find((t) => !prev.conditions?.some((c) => c.type === t && c.status === 'True'))}" does not exist.`)
      : condition(prev.conditions, now, 'Ready', containersReady, notReadyReason, notReadyMessage),
    condition(prev.conditions, now, 'ContainersReady', containersReady, notReadyReason, notReadyMessage),
  ];
  const others = (prev.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  if (!others.some((c) => c.type === 'PodScheduled')) others.push(condition(undefined, now, 'PodScheduled', true));
  return {
    phase,
    conditions: [...others.filter((c) => c.type === 'PodScheduled'), ...conditions, ...others.filter((c) => c.type !== 'PodScheduled')],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: prev.startTime ?? now,
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
    qosClass: qosClass(pod),
  };
}
