/** `kubectl describe service` (endpoints from its EndpointSlices) and `describe endpoints`. */
import type { Endpoints, Service } from '../../api/generated/core/v1.js';
import type { EndpointSlice } from '../../api/generated/discovery/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline } from './format.js';
import { LEVEL_0, LEVEL_1, LEVEL_2, tabbed } from './writer.js';

const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * The ready endpoints of the slices for one service port name (all ports when `portName` is
 * undefined): at most three `ip:port`, then `+ N more...` (formatEndpointSlices).
 */
export function formatEndpointSlices(slices: readonly EndpointSlice[], portName?: string): string {
  if (slices.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (ready: boolean | undefined, text: () => string): void => {
    if (list.length === max) more = true;
    // An unknown readiness counts as ready.
    if (ready === false) return;
    if (!more) list.push(text());
    count++;
  };
  for (const s of slices) {
    const ports = s.ports ?? [];
    if (ports.length === 0) {
      for (const e of s.endpoints ?? []) add(e.conditions?.ready, () => e.addresses[0] ?? '');
      continue;
    }
    for (const p of ports) {
      if (portName !== undefined && (p.name ?? '') !== portName) continue;
      for (const e of s.endpoints ?? []) add(e.conditions?.ready, () => joinHostPort(e.addresses[0] ?? '', p.port ?? 0));
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - max} more...` : text;
}

/** `1.2.3.4 (VIP), lb.example.com`. */
const ingressText = (ingress: NonNullable<NonNullable<Service['status']>['loadBalancer']>['ingress']): string =>
  (ingress ?? []).map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : (i.hostname ?? ''))).join(', ');

/** Describes one Service. */
export async function describeService(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const svc = await getObject<Service>(ctx, resources.services, namespace, name);
  let slices: EndpointSlice[] = [];
  try {
    // kubectl reads one page, without a limit, and ignores a failure.
    const list = await ctx.client.resource<EndpointSlice>(resources.endpointslices).list({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
    slices = list.items;
  } catch {
    slices = [];
  }
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(svc, 'Service')) : undefined;
  return tabbed((w) => {
    const spec = svc.spec;
    w.write(LEVEL_0, `Name:\t${svc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${svc.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', svc.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', svc.metadata?.annotations);
    w.write(LEVEL_0, `Selector:\t${formatLabels(spec?.selector)}\n`);
    w.write(LEVEL_0, `Type:\t${spec?.type ?? ''}\n`);
    if (spec?.ipFamilyPolicy !== undefined) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
    w.write(LEVEL_0, `IP Families:\t${(spec?.ipFamilies ?? []).join(',') || '<none>'}\n`);
    w.write(LEVEL_0, `IP:\t${spec?.clusterIP ?? ''}\n`);
    w.write(LEVEL_0, `IPs:\t${(spec?.clusterIPs ?? []).join(',') || '<none>'}\n`);
    if ((spec?.externalIPs ?? []).length > 0) w.write(LEVEL_0, `External IPs:\t${(spec?.externalIPs ?? []).join(',')}\n`);
    if (spec?.loadBalancerIP) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
    if (spec?.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`);
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (ingress.length > 0) w.write(LEVEL_0, `LoadBalancer Ingress:\t${ingressText(ingress)}\n`);
    for (const p of spec?.ports ?? []) {
      const portName = p.name || '<unset>';
      const proto = p.protocol ?? '';
      w.write(LEVEL_0, `Port:\t${portName}\t${p.port}/${proto}\n`);
      w.write(LEVEL_0, `TargetPort:\t${String(p.targetPort ?? 0)}/${proto}\n`);
      if (p.nodePort) w.write(LEVEL_0, `NodePort:\t${portName}\t${p.nodePort}/${proto}\n`);
      w.write(LEVEL_0, `Endpoints:\t${formatEndpointSlices(slices, p.name ?? '')}\n`);
    }
    w.write(LEVEL_0, `Session Affinity:\t${spec?.sessionAffinity ?? ''}\n`);
    if (spec?.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
    if (spec?.internalTrafficPolicy !== undefined) w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
    if (spec?.healthCheckNodePort) w.write(LEVEL_0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
    if ((spec?.loadBalancerSourceRanges ?? []).length > 0) w.write(LEVEL_0, `LoadBalancer Source Ranges:\t${(spec?.loadBalancerSourceRanges ?? []).join(',')}\n`);
    if (events) describeEvents(events, w, ctx.now);
  });
}

/** Describes one Endpoints object: each subset's addresses and ports. */
export async function describeEndpoints(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const ep = await getObject<Endpoints>(ctx, resources.endpoints, namespace, name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(ep, 'Endpoints')) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${ep.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${ep.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', ep.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', ep.metadata?.annotations);
    w.write(LEVEL_0, 'Subsets:\n');
    for (const s of ep.subsets ?? []) {
      w.write(LEVEL_1, `Addresses:\t${(s.addresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
      w.write(LEVEL_1, `NotReadyAddresses:\t${(s.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
      if ((s.ports ?? []).length > 0) {
        w.write(LEVEL_1, 'Ports:\n');
        w.write(LEVEL_2, 'Name\tPort\tProtocol\n');
        w.write(LEVEL_2, '----\t----\t--------\n');
        for (const p of s.ports ?? []) w.write(LEVEL_2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? ''}\n`);
      }
      w.write(LEVEL_0, '\n');
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}
