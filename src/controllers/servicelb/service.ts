/**
 * What service-lb reads from a Service: whether it is one of ours (type LoadBalancer, no
 * loadBalancerClass or ours), its address families, the addresses it asks for
 * (spec.loadBalancerIP or MetalLB's loadBalancerIPs annotation), the addresses its status shows,
 * and which of two Services is older.
 */
import type { LoadBalancerIngress, Service } from '../../api/generated/core/v1.js';
import { canonicalIP, familyOf, parseAddress, type Family } from './pool.js';

/** The spec.loadBalancerClass service-lb serves (besides Services with none). */
export const SERVICE_LB_CLASS = 'k8ts.io/service-lb';
/** MetalLB's annotation for the wanted addresses (comma-separated, one per family). */
export const LB_IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';
/** Its older name, still honoured by MetalLB. */
export const LB_IPS_ANNOTATION_DEPRECATED = 'metallb.universe.tf/loadBalancerIPs';

/** Whether service-lb gives `svc` an address. */
export function wantsAddress(svc: Service): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === null || cls === '' || cls === SERVICE_LB_CLASS;
}

/** The Service's families: spec.ipFamilies, else those of its cluster IPs, else IPv4. */
export function serviceFamilies(svc: Service): Family[] {
  const declared = (svc.spec?.ipFamilies ?? []).filter((f): f is Family => f === 'IPv4' || f === 'IPv6');
  if (declared.length > 0) return [...new Set(declared)];
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  const fromIPs = ips.map(parseAddress).flatMap((a) => (a ? [familyOf(a.bits)] : []));
  return fromIPs.length > 0 ? [...new Set(fromIPs)] : ['IPv4'];
}

/** The family of an address (which must parse). */
export const addressFamily = (ip: string): Family => (ip.includes(':') ? 'IPv6' : 'IPv4');

/** What a Service asks for: nothing, the canonical addresses, or why its request is invalid. */
export type Requested = { kind: 'none' } | { kind: 'ips'; ips: string[] } | { kind: 'invalid'; message: string };

/** The addresses `svc` asks for (the annotation, else spec.loadBalancerIP; not both, as MetalLB). */
export function requestedIPs(svc: Service): Requested {
  const annotations = svc.metadata?.annotations ?? {};
  const name = LB_IPS_ANNOTATION in annotations ? LB_IPS_ANNOTATION : LB_IPS_ANNOTATION_DEPRECATED in annotations ? LB_IPS_ANNOTATION_DEPRECATED : undefined;
  const fromAnnotation = name === undefined ? '' : (annotations[name] ?? '').trim();
  const fromSpec = (svc.spec?.loadBalancerIP ?? '').trim();
  if (fromAnnotation && fromSpec) return { kind: 'invalid', message: `service can not have both ${name ?? LB_IPS_ANNOTATION} and svc.Spec.LoadBalancerIP` };
  if (fromAnnotation) {
    const ips = fromAnnotation.split(',').map((s) => canonicalIP(s));
    if (ips.some((ip) => ip === undefined)) return { kind: 'invalid', message: `invalid ${name ?? LB_IPS_ANNOTATION}: ${goQuote(fromAnnotation)}` };
    const list = [...new Set(ips as string[])];
    if (new Set(list.map(addressFamily)).size !== list.length) return { kind: 'invalid', message: `invalid ${name ?? LB_IPS_ANNOTATION}: ${goQuote(fromAnnotation)}: at most one address per family` };
    return { kind: 'ips', ips: list };
  }
  if (fromSpec) {
    const ip = canonicalIP(fromSpec);
    return ip === undefined ? { kind: 'invalid', message: `invalid spec.loadBalancerIP ${goQuote(fromSpec)}` } : { kind: 'ips', ips: [ip] };
  }
  return { kind: 'none' };
}

/** The addresses status.loadBalancer.ingress shows (canonical; hostnames left out). */
export function statusIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => {
    const ip = i.ip ? canonicalIP(i.ip) : undefined;
    return ip === undefined ? [] : [ip];
  });
}

/** The ingress points service-lb writes for `ips`. */
export const ingressFor = (ips: readonly string[]): LoadBalancerIngress[] => ips.map((ip) => ({ ip, ipMode: 'VIP' }));

/** Whether the Service's status already shows exactly `want` (our ingress points, in order). */
export function statusShows(svc: Service, want: readonly LoadBalancerIngress[]): boolean {
  const cur = svc.status?.loadBalancer?.ingress ?? [];
  return cur.length === want.length && cur.every((c, i) => c.ip === want[i]?.ip && c.ipMode === want[i]?.ipMode && !c.hostname && !c.ports?.length);
}

/** Orders Services oldest first (creationTimestamp, then namespace/name, so ties are stable). */
export function olderFirst(a: Service, b: Service): number {
  const t = (s: Service) => {
    const ms = Date.parse(s.metadata?.creationTimestamp ?? '');
    return Number.isNaN(ms) ? Number.MAX_SAFE_INTEGER : ms;
  };
  const key = (s: Service) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  return t(a) - t(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** Go's `%q` of a string (what MetalLB's event messages print). */
export const goQuote = (s: string): string => JSON.stringify(s);

/** Go's `%q` of a string list: `["10.44.0.1" "fd00::1"]`. */
export const goQuoteList = (list: readonly string[]): string => `[${list.map(goQuote).join(' ')}]`;
