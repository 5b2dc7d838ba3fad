/**
 * A pod's effective requests and limits (containers summed, init containers as a maximum,
 * restartable init containers counted alongside, overhead added) and its QoS class, the way kubectl
 * computes them for `describe node` and `describe pod`.
 */
import { Quantity } from '../../api/quantity.js';
import type { Container, Pod } from '../../api/generated/core/v1.js';

/** Resource name → quantity. */
export type Resources = Map<string, Quantity>;

const parse = (s: string | undefined): Quantity => {
  try {
    return Quantity.parse(s ?? '0');
  } catch {
    return Quantity.fromInt(0);
  }
};

function toResources(list: Readonly<Record<string, string>> | undefined): Resources {
  return new Map(Object.entries(list ?? {}).map(([k, v]) => [k, parse(v)]));
}

function addInto(into: Resources, add: Resources): void {
  for (const [k, q] of add) {
    const have = into.get(k);
    into.set(k, have ? have.add(q) : q);
  }
}

function maxInto(into: Resources, other: Resources): void {
  for (const [k, q] of other) {
    const have = into.get(k);
    if (!have || q.cmp(have) > 0) into.set(k, q);
  }
}

function maxOf(a: Resources, b: Resources): Resources {
  const out: Resources = new Map(a);
  maxInto(out, b);
  // On a tie upstream keeps b's spelling.
  for (const [k, q] of b) if (a.get(k)?.cmp(q) === 0) out.set(k, q);
  return out;
}

const restartable = (c: Container): boolean => c.restartPolicy === 'Always';

/** Sums containers, then takes the larger of that and each init container (plus the restartable ones started before it). */
function effective(pod: Pod, pick: (c: Container, init: boolean) => Resources): Resources {
  const total: Resources = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(total, pick(c, false));
  const sidecars: Resources = new Map();
  const inits: Resources = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = pick(c, true);
    let needed: Resources;
    if (restartable(c)) {
      addInto(total, own);
      addInto(sidecars, own);
      needed = new Map(sidecars);
    } else {
      needed = new Map(own);
      addInto(needed, sidecars);
    }
    maxInto(inits, needed);
  }
  maxInto(total, inits);
  return total;
}

/** The pod's requests and limits as kubectl's resourcehelper.PodRequestsAndLimits. */
export function podRequestsAndLimits(pod: Pod): { requests: Resources; limits: Resources } {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const requests = effective(pod, (c, init) => {
    const own = toResources(c.resources?.requests);
    // A resized container: what the kubelet reports counts too.
    const actual = init ? undefined : statuses.get(c.name)?.resources;
    if (!actual) return own;
    const reported = toResources(actual.requests);
    return pod.status?.resize === 'Infeasible' ? reported : maxOf(own, reported);
  });
  const limits = effective(pod, (c) => toResources(c.resources?.limits));
  const overhead = toResources(pod.spec?.overhead);
  addInto(requests, overhead);
  for (const [k, q] of overhead) {
    const have = limits.get(k);
    if (have && !have.isZero()) limits.set(k, have.add(q));
  }
  return { requests, limits };
}

const QOS_RESOURCES = new Set(['cpu', 'memory']);

/** The QoS class: status.qosClass, else computed from requests and limits (BestEffort, Burstable, Guaranteed). */
export function podQOS(pod: Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const requests: Resources = new Map();
  const limits: Resources = new Map();
  let guaranteed = true;
  const add = (into: Resources, list: Record<string, string> | undefined): void => {
    for (const [k, v] of Object.entries(list ?? {})) {
      const q = parse(v);
      if (!QOS_RESOURCES.has(k) || q.sign() <= 0) continue;
      const have = into.get(k);
      into.set(k, have ? q.add(have) : q);
    }
  };
  const limitsCover = (list: Record<string, string> | undefined): boolean =>
    [...QOS_RESOURCES].every((k) => list?.[k] !== undefined && parse(list[k]).sign() > 0);
  const podLevel = pod.spec?.resources;
  if (podLevel) {
    add(requests, podLevel.requests);
    if (podLevel.limits) {
      add(limits, podLevel.limits);
      if (!limitsCover(podLevel.limits)) guaranteed = false;
    }
  } else {
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      add(requests, c.resources?.requests);
      add(limits, c.resources?.limits);
      if (!limitsCover(c.resources?.limits)) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, q] of requests) {
      const lim = limits.get(k);
      if (!lim || lim.cmp(q) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** The quantity of `name` (zero when absent), printed as Go's Quantity.String. */
export const quantityOf = (r: Resources, name: string): Quantity => r.get(name) ?? Quantity.fromInt(0);

/** `int64(a / b * 100)` with Go's float arithmetic; a zero divisor yields what amd64 Go prints. */
export function percent(a: bigint, b: bigint): string {
  const f = (Number(a) / Number(b)) * 100;
  if (!Number.isFinite(f)) return '-9223372036854775808';
  return String(Math.trunc(f));
}
