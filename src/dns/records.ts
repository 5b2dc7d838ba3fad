/**
 * The DNS records one Service contributes (the Kubernetes DNS specification, as CoreDNS's
 * kubernetes plugin serves it), computed from the Service and its EndpointSlices. Pure: the
 * index (record-index.ts) holds the result per Service and the resolver reads it.
 */
import { isIP } from 'node:net';
import type { Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { canonical, dashed, reverseName } from './names.js';

/** SRV data, as dns-packet encodes it. */
export interface SrvTarget {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** One record; `name` (and targets) canonical: lower case, no trailing dot. */
export type DnsRecord = { name: string; type: 'A' | 'AAAA' | 'PTR' | 'CNAME'; data: string } | { name: string; type: 'SRV'; data: SrvTarget };

/** The label naming an EndpointSlice's Service. */

/** `<svc>.<ns>.svc.<zone>` */
export const serviceDomain = (name: string, namespace: string, zone: string): string => canonical(`${name}.${namespace}.svc.${zone}`);

const addressRecord = (name: string, ip: string): DnsRecord => ({ name, type: isIP(ip) === 6 ? 'AAAA' : 'A', data: ip });

/** Endpoint addresses that get DNS records: ready ones (unset means ready), or all when the Service publishes not-ready addresses. */
function servedEndpoints(slice: EndpointSlice, publishNotReady: boolean) {
  if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') return [];
  return (slice.endpoints ?? []).filter((e) => publishNotReady || e.conditions?.ready !== false);
}

/** SRV owner `_<port>._<proto>.<base>`; unnamed ports have none. */
const srvName = (portName: string | undefined, protocol: string | undefined, base: string): string | undefined => (portName ? canonical(`_${portName}._${(protocol ?? 'TCP').toLowerCase()}.${base}`) : undefined);

function clusterIPRecords(svc: Service, base: string, ips: string[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const ip of ips) {
    out.push(addressRecord(base, ip));
    const rev = reverseName(ip);
    if (rev) out.push({ name: rev, type: 'PTR', data: base });
  }
  for (const p of svc.spec?.ports ?? []) {
    const srv: SrvTarget = { priority: 0, weight: 0, port: p.port, target: base };
    out.push({ name: base, type: 'SRV', data: srv });
    const owner = srvName(p.name, p.protocol, base);
    if (owner) out.push({ name: owner, type: 'SRV', data: srv });
  }
  return out;
}

function headlessRecords(svc: Service, base: string, slices: readonly EndpointSlice[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  for (const slice of slices) {
    for (const ep of servedEndpoints(slice, publishNotReady)) {
      for (const ip of ep.addresses ?? []) {
        if (!isIP(ip)) continue;
        const host = canonical(`${ep.hostname || dashed(ip)}.${base}`);
        out.push(addressRecord(base, ip), addressRecord(host, ip));
        const rev = reverseName(ip);
        if (rev) out.push({ name: rev, type: 'PTR', data: host });
        for (const p of slice.ports ?? []) {
          if (p.port === undefined) continue;
          const srv: SrvTarget = { priority: 0, weight: 0, port: p.port, target: host };
          out.push({ name: base, type: 'SRV', data: srv });
          const owner = srvName(p.name, p.protocol, base);
          if (owner) out.push({ name: owner, type: 'SRV', data: srv });
        }
      }
    }
  }
  return out;
}

/** Drops duplicates (an address in two slices) and spreads SRV weight evenly over each SRV set, as CoreDNS does. */
function finish(records: DnsRecord[]): DnsRecord[] {
  const seen = new Set<string>();
  const out = records.filter((r) => {
    const key = `${r.name}|${r.type}|${JSON.stringify(r.data)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const srvCount = new Map<string, number>();
  for (const r of out) if (r.type === 'SRV') srvCount.set(r.name, (srvCount.get(r.name) ?? 0) + 1);
  return out.map((r) => (r.type === 'SRV' ? { ...r, data: { ...r.data, weight: Math.max(1, Math.floor(100 / (srvCount.get(r.name) ?? 1))) } } : r));
}

/**
 * The records of one Service in `zone`: ExternalName → a CNAME; ClusterIP → A/AAAA, PTR and SRV
 * on the ClusterIPs; headless (clusterIP None) → A/AAAA per served endpoint address, a name per
 * endpoint (its hostname, else its dashed IP) with PTR, and SRV per endpoint and port. A Service
 * whose ClusterIP is not allocated yet has no records (its name still exists: see the index).
 */
export function serviceRecords(svc: Service, slices: readonly EndpointSlice[], zone: string): DnsRecord[] {
  const name = svc.metadata?.name;
  const namespace = svc.metadata?.namespace ?? 'default';
  if (!name) return [];
  const base = serviceDomain(name, namespace, zone);
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return spec.externalName ? [{ name: base, type: 'CNAME', data: canonical(spec.externalName) }] : [];
  if (spec.clusterIP === 'None') return finish(headlessRecords(svc, base, slices));
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP ?? '']).filter((ip) => isIP(ip));
  return finish(clusterIPRecords(svc, base, ips));
}
