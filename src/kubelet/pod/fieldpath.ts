// Downward API values: pod fields (fieldRef) and container resources (resourceFieldRef), rendered
// as the kubelet renders them for environment variables and downwardAPI volume files.
import { cpus, totalmem } from 'node:os';
import type { Container, Pod, ResourceFieldSelector } from '../../api/generated/core/v1.js';
import { Quantity } from '../../api/quantity.js';

/** Values only the kubelet knows: the node it runs on and the pod's addresses. */
export interface RuntimeFields {
  nodeName?: string;
  hostIP?: string;
  hostIPs?: string[];
  podIP?: string;
  podIPs?: string[];
}

/** strconv.Quote for the common cases: ASCII escapes as Go writes them, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 0x0c) out += '\\f';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 0x0b) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && cp < 0xa0) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** FormatMap: `key="value"` lines sorted by key, without a trailing newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m?.[k] ?? '')}`)
    .join('\n');
}

/** `metadata.labels['key']` -> [`metadata.labels`, `key`]. */
function splitSubscript(path: string): [string, string] | undefined {
  if (!path.endsWith("']")) return undefined;
  const inner = path.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return undefined;
  return [inner.slice(0, at), inner.slice(at + 2)];
}

/**
 * ExtractFieldPathAsString plus the kubelet's runtime fields (spec.nodeName, spec.serviceAccountName,
 * status.hostIP(s), status.podIP(s)). Throws Error(`unsupported fieldPath: x`) for anything else.
 */
export function fieldPathValue(pod: Pod, fieldPath: string, rt: RuntimeFields = {}): string {
  const meta = pod.metadata ?? {};
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const [path, key] = sub;
    if (path === 'metadata.annotations') return meta.annotations?.[key] ?? '';
    if (path === 'metadata.labels') return meta.labels?.[key] ?? '';
    throw new Error(`fieldPath "${fieldPath}" does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName || rt.nodeName || '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return rt.hostIP ?? rt.hostIPs?.[0] ?? pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (rt.hostIPs ?? (rt.hostIP ? [rt.hostIP] : (pod.status?.hostIPs ?? []).map((h) => h.ip))).join(',');
    case 'status.podIP':
      return rt.podIPs?.[0] ?? rt.podIP ?? pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (rt.podIPs ?? (rt.podIP ? [rt.podIP] : (pod.status?.podIPs ?? []).map((p) => p.ip))).join(',');
    default:
      throw new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** Node allocatable as quantity strings (`cpu`, `memory`, `ephemeral-storage`). */
export type Allocatable = Record<string, string>;

/** This machine's CPUs and memory, for limits a container leaves unset. */
export function machineAllocatable(): Allocatable {
  return { cpu: String(cpus().length), memory: String(totalmem()) };
}

const DEFAULTED_LIMITS = ['cpu', 'memory', 'ephemeral-storage'];

function findContainer(pod: Pod, name: string): Container {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === name);
  if (!c) throw new Error(`container ${name} not found`);
  return c;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a >= 0n ? (a + b - 1n) / b : a / b);

/**
 * ExtractContainerResourceValue: `limits.cpu|memory|ephemeral-storage`, `requests.*` and hugepages,
 * divided by `divisor` (default 1) and rounded up. Unset limits count as node allocatable
 * (defaultPodLimitsForDownwardAPI). `containerName` in the selector picks another container.
 */
export function resourceFieldValue(pod: Pod, c: Container | undefined, fs: ResourceFieldSelector, allocatable: Allocatable = machineAllocatable()): string {
  const target = fs.containerName ? findContainer(pod, fs.containerName) : c;
  if (!target) throw new Error(`container ${fs.containerName ?? ''} not found`);
  const divisor = fs.divisor === undefined || Quantity.parse(fs.divisor).isZero() ? Quantity.parse('1') : Quantity.parse(fs.divisor);
  const dot = fs.resource.indexOf('.');
  const kind = fs.resource.slice(0, dot);
  const name = fs.resource.slice(dot + 1);
  const known = DEFAULTED_LIMITS.includes(name) || name.startsWith('hugepages-');
  if (dot < 0 || (kind !== 'limits' && kind !== 'requests') || !known) throw new Error(`unsupported container resource : ${fs.resource}`);
  let raw = (kind === 'limits' ? target.resources?.limits : target.resources?.requests)?.[name];
  if (kind === 'limits' && DEFAULTED_LIMITS.includes(name) && (raw === undefined || Quantity.parse(raw).isZero())) raw = allocatable[name];
  const q = Quantity.parse(raw ?? '0');
  if (name === 'cpu') return ceilDiv(q.milliValue(), divisor.milliValue()).toString();
  return ceilDiv(q.value(), divisor.value()).toString();
}
