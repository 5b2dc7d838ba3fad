/**
 * Stale UDP conntrack entries, removed after a sync the way kube-proxy does. UDP has no
 * connection end, so a client that keeps sending (a DNS resolver reusing its socket) would stay
 * pinned by its conntrack entry to an endpoint that is gone, or to the untranslated Service
 * address it hit while the Service had no endpoints. Shared by every kernel backend.
 */
import type { Logger } from '../util/log.js';
import { usableEndpoints, type NodeNetwork, type ProxySnapshot, type ServiceEndpoint, type ServicePort } from './model.js';

/** Endpoints that received any traffic (cluster-wide or local-only choice), by `ip:port`. */
function servedEndpoints(sp: ServicePort | undefined, eps: readonly ServiceEndpoint[] | undefined): Map<string, ServiceEndpoint> {
  const out = new Map<string, ServiceEndpoint>();
  if (sp?.protocol !== 'UDP') return out;
  for (const ep of [...usableEndpoints(eps, false), ...usableEndpoints(eps, true)]) out.set(`${ep.ip}:${ep.port}`, ep);
  return out;
}

/** The addresses a Service port is reached at (besides its NodePort). */
const serviceAddresses = (sp: ServicePort) => [...new Set([...(sp.clusterIP ? [sp.clusterIP] : []), ...sp.externalIPs, ...sp.loadBalancerIPs])];

/**
 * The `conntrack -D` argument lists that remove the stale UDP flows between two snapshots:
 * for each UDP service port in `changed` ('all': every port of either snapshot),
 * - flows DNATed to an endpoint that no longer receives traffic (by its Service addresses and
 *   NodePort, so unrelated flows to that pod are kept);
 * - when the port went from no endpoints to some, flows to its Service addresses and NodePort
 *   (they were set up untranslated while nothing answered). Skipped when `before` is undefined:
 *   after a proxy restart the flows are live and correctly translated.
 */
export function staleUdpDeletions(before: ProxySnapshot | undefined, after: ProxySnapshot, changed: ReadonlySet<string> | 'all'): string[][] {
  const ids = changed === 'all' ? new Set([...(before?.services.keys() ?? []), ...after.services.keys()]) : changed;
  const out: string[][] = [];
  for (const id of ids) {
    const oldSp = before?.services.get(id);
    const newSp = after.services.get(id);
    const oldEps = servedEndpoints(oldSp, before?.endpoints.get(id));
    const newEps = servedEndpoints(newSp, after.endpoints.get(id));
    if (oldSp && oldSp.protocol === 'UDP') {
      for (const [key, ep] of oldEps) {
        if (newEps.has(key)) continue;
        const reply = ['--reply-src', ep.ip, '--reply-port-src', String(ep.port)];
        for (const addr of serviceAddresses(oldSp)) out.push(['-p', 'udp', '--orig-dst', addr, '--orig-port-dst', String(oldSp.port), ...reply]);
        if (oldSp.nodePort !== undefined) out.push(['-p', 'udp', '--orig-port-dst', String(oldSp.nodePort), ...reply]);
      }
    }
    if (before && newSp && newSp.protocol === 'UDP' && oldEps.size === 0 && newEps.size > 0) {
      for (const addr of serviceAddresses(newSp)) out.push(['-p', 'udp', '--orig-dst', addr, '--orig-port-dst', String(newSp.port)]);
      if (newSp.nodePort !== undefined) out.push(['-p', 'udp', '--orig-port-dst', String(newSp.nodePort)]);
    }
  }
  return out;
}

/**
 * Deletes the stale UDP conntrack entries between the snapshot of the previous successful sync
 * (`before`, undefined on the first) and the one just programmed (`after`); see
 * {@link staleUdpDeletions}. Call it after the rules are in place, so a deleted flow's next
 * packet is translated by the new rules. Failures are logged, never thrown: a stale entry only
 * delays a client, and the sync itself succeeded. Returns the number of `conntrack -D` runs.
 */
export async function clearStaleUdp(net: NodeNetwork, before: ProxySnapshot | undefined, after: ProxySnapshot, changed: ReadonlySet<string> | 'all', logger: Logger): Promise<number> {
  const deletions = staleUdpDeletions(before, after, changed);
  for (const args of deletions) {
    const r = await net.exec('conntrack', ['-D', ...args]);
    // conntrack exits 1 when nothing matched; that is the common, good case.
    if (r.code !== 0 && !/0 flow entries have been deleted/.test(r.stderr)) {
      logger.warn('deleting stale UDP conntrack entries failed', { args: args.join(' '), error: r.stderr.trim() });
    }
  }
  return deletions.length;
}
