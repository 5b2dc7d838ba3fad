/**
 * Resource arithmetic as the scheduler counts it: CPU in millicores, everything else in whole
 * units, extended resources in a map. A pod's request follows upstream's PodRequests: the sum of
 * its app containers (plus restartable init containers, which run alongside them), or the largest
 * init container if that is bigger, plus the pod overhead.
 */
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { Quantity } from '../../api/quantity.js';

/** Amounts of the resources a node offers and pods request. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and other scalar resources (`nvidia.com/gpu`, `hugepages-2Mi`), in whole units. */
  scalar?: Map<string, number>;
}

/** The defaults upstream scores a container without a request with (100m CPU, 200 MiB). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const CPU = 'cpu';
const MEMORY = 'memory';
const EPHEMERAL = 'ephemeral-storage';
const PODS = 'pods';

// Quantity parsing is exact (BigInt) and comparatively slow; the same few strings recur endlessly.
const milliCache = new Map<string, number>();
const valueCache = new Map<string, number>();
const CACHE_LIMIT = 10_000;

function memo(cache: Map<string, number>, s: string, f: (q: Quantity) => bigint): number {
  let v = cache.get(s);
  if (v === undefined) {
    try {
      v = Number(f(Quantity.parse(s)));
    } catch {
      v = 0; // an unparsable quantity never got past validation; count it as nothing
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(s, v);
  }
  return v;
}

/** A quantity in thousandths (rounded up), as upstream's MilliValue. */
export const milliValue = (q: string | number): number => memo(milliCache, String(q), (x) => x.milliValue());
/** A quantity in whole units (rounded up), as upstream's Value. */
export const wholeValue = (q: string | number): number => memo(valueCache, String(q), (x) => x.value());

/** An empty Resources. */
export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0 });

/** Whether `name` is a scalar resource (anything that is not cpu, memory, ephemeral-storage or pods). */
export const isScalar = (name: string): boolean => name !== CPU && name !== MEMORY && name !== EPHEMERAL && name !== PODS;

/** Adds a ResourceList (a `requests` or `allocatable` map) into `r`. */
export function addList(r: Resources, list: Readonly<Record<string, string>> | undefined, sign = 1): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    if (name === CPU) r.milliCPU += sign * milliValue(q);
    else if (name === MEMORY) r.memory += sign * wholeValue(q);
    else if (name === EPHEMERAL) r.ephemeralStorage += sign * wholeValue(q);
    else if (name !== PODS) {
      r.scalar ??= new Map();
      r.scalar.set(name, (r.scalar.get(name) ?? 0) + sign * wholeValue(q));
    }
  }
}

/** `a += sign * b`. */
export function addResources(a: Resources, b: Resources, sign = 1): void {
  a.milliCPU += sign * b.milliCPU;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  if (b.scalar) {
    a.scalar ??= new Map();
    for (const [k, v] of b.scalar) a.scalar.set(k, (a.scalar.get(k) ?? 0) + sign * v);
  }
}

function maxInto(a: Resources, b: Resources): void {
  a.milliCPU = Math.max(a.milliCPU, b.milliCPU);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
  if (b.scalar) {
    a.scalar ??= new Map();
    for (const [k, v] of b.scalar) a.scalar.set(k, Math.max(a.scalar.get(k) ?? 0, v));
  }
}

const copyResources = (r: Resources): Resources => ({ ...r, ...(r.scalar ? { scalar: new Map(r.scalar) } : {}) });

/** A container's requests; API defaulting copies limits into absent requests, so do the same. */
function containerRequests(c: Container): Record<string, string> | undefined {
  const req = c.resources?.requests;
  const lim = c.resources?.limits;
  if (!lim) return req;
  const out: Record<string, string> = { ...lim };
  Object.assign(out, req ?? {});
  return out;
}

/**
 * The pod's requests. With `nonMissing`, a container that requests no CPU (or memory) counts as
 * 100m (or 200 MiB), which is what the scoring plugins use so best-effort pods still spread.
 */
export function podRequests(pod: Pod, nonMissing = false): Resources {
  const spec = pod.spec;
  const sum = emptyResources();
  const one = (c: Container): Resources => {
    const r = emptyResources();
    const req = containerRequests(c);
    addList(r, req);
    if (nonMissing) {
      if (req?.[CPU] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
      if (req?.[MEMORY] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
    }
    return r;
  };
  for (const c of spec?.containers ?? []) addResources(sum, one(c));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const r = one(c);
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running next to the app containers and every later init container.
      addResources(sum, r);
      addResources(sidecars, r);
      maxInto(initMax, copyResources(sidecars));
    } else {
      const withSidecars = copyResources(r);
      addResources(withSidecars, sidecars);
      maxInto(initMax, withSidecars);
    }
  }
  maxInto(sum, initMax);
  if (spec?.overhead) addList(sum, spec.overhead);
  return sum;
}

/** Reads a node's allocatable: resources plus the pod count. */
export function allocatableOf(list: Readonly<Record<string, string>> | undefined): { resources: Resources; pods: number } {
  const resources = emptyResources();
  addList(resources, list);
  return { resources, pods: list?.[PODS] !== undefined ? wholeValue(list[PODS]) : 0 };
}

/** True when the pod requests nothing at all (best effort for the fit check). */
export function isZero(r: Resources): boolean {
  if (r.milliCPU !== 0 || r.memory !== 0 || r.ephemeralStorage !== 0) return false;
  for (const v of r.scalar?.values() ?? []) if (v !== 0) return false;
  return true;
}
