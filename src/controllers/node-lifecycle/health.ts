/**
 * Node health bookkeeping (upstream tryUpdateNodeHealth): when did this controller last see the
 * node show a sign of life (a new Ready heartbeat, or a renewed Lease in kube-node-lease), measured
 * on the controller's own clock so clock skew between machines does not matter; and, past the
 * grace period, the conditions the node must get (Ready, MemoryPressure, DiskPressure, PIDPressure
 * set to Unknown). Pure functions: the controller stores the result and writes the conditions.
 */
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, NodeCondition } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';

/** What the controller remembers per node between monitor passes. */
export interface NodeHealth {
  /** Controller time (ms) of the last sign of life. */
  probeTimestamp: number;
  /** Controller time (ms) the Ready condition was last seen to change. */
  readyTransitionTimestamp: number;
  /** The Ready condition as last seen (or written); undefined while the node has none. */
  ready?: NodeCondition;
  /** The Lease renewTime last seen. */
  leaseRenewTime?: string;
}

/** Inputs of {@link assessNodeHealth}. */
export interface AssessInput {
  node: Node;
  lease: Lease | undefined;
  saved: NodeHealth | undefined;
  now: number;
  /** For nodes that have posted a Ready condition (--node-monitor-grace-period). */
  gracePeriodMs: number;
  /** For nodes that never did (--node-startup-grace-period). */
  startupGracePeriodMs: number;
}

/** What {@link assessNodeHealth} found. */
export interface Assessment {
  /** The bookkeeping to keep (before any write). */
  health: NodeHealth;
  /** The Ready condition as the node had it (a synthetic Unknown one when it had none). */
  observedReady: NodeCondition;
  /** The Ready condition after this pass: `conditions`' when set, else the node's own (or none). */
  currentReady: NodeCondition | undefined;
  /** The node's new status.conditions, when they must be written. */
  conditions?: NodeCondition[];
}

/** The conditions the controller turns Unknown (NetworkUnavailable is left to whoever sets it). */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

const find = (conds: readonly NodeCondition[] | undefined, type: string) => conds?.find((c) => c.type === type);
const parseTime = (t: string | undefined): number => (t ? Date.parse(t) : NaN);
const sameCondition = (a: NodeCondition | undefined, b: NodeCondition | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Reads a node's health signals against what was remembered; see the module comment. */
export function assessNodeHealth(i: AssessInput): Assessment {
  const { node, saved, now } = i;
  const created = node.metadata?.creationTimestamp ?? rfc3339(now);
  const createdMs = parseTime(created) || now;
  const ready = find(node.status?.conditions, 'Ready');
  let health: NodeHealth;
  let observedReady: NodeCondition;
  let grace: number;
  if (!ready) {
    // Never posted: measure from creation, with the longer start-up grace.
    observedReady = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
    grace = i.startupGracePeriodMs;
    health = saved ? { ...saved, ready: undefined } : { probeTimestamp: createdMs, readyTransitionTimestamp: createdMs };
  } else {
    observedReady = ready;
    grace = i.gracePeriodMs;
    if (!saved?.ready) {
      // First sight of this node (or of its Ready condition, e.g. after a controller restart): trust it for a grace period.
      health = { probeTimestamp: now, readyTransitionTimestamp: now, ready };
    } else if (saved.ready.lastHeartbeatTime !== ready.lastHeartbeatTime) {
      const transition = saved.ready.lastTransitionTime !== ready.lastTransitionTime ? now : saved.readyTransitionTimestamp;
      health = { probeTimestamp: now, readyTransitionTimestamp: transition, ready };
    } else {
      health = { ...saved };
    }
  }
  const renew = i.lease?.spec?.renewTime;
  if (i.lease && (health.leaseRenewTime === undefined || parseTime(health.leaseRenewTime) < parseTime(renew))) {
    health = { ...health, probeTimestamp: now, leaseRenewTime: renew };
  }
  const currentReady = ready;
  if (now <= health.probeTimestamp + grace) return { health, observedReady, currentReady };

  const nowStr = rfc3339(now);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of MONITORED_CONDITIONS) {
    const idx = conditions.findIndex((c) => c.type === type);
    const c = conditions[idx];
    if (!c) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: created, lastTransitionTime: nowStr });
    } else if (c.status !== 'Unknown') {
      conditions[idx] = { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: nowStr };
    }
  }
  const newReady = find(conditions, 'Ready');
  if (sameCondition(newReady, observedReady)) return { health, observedReady, currentReady };
  return { health, observedReady, currentReady: newReady, conditions };
}

/** The bookkeeping after `a.conditions` were written at `now`. */
export function afterWrite(a: Assessment, now: number): NodeHealth {
  return { ...a.health, readyTransitionTimestamp: now, ready: a.currentReady };
}
