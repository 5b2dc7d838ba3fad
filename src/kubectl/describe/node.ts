/**
 * `kubectl describe node`: roles, taints, lease, conditions, capacity, system info, the pods on it
 * with their share of the node, the allocated totals, and events (kubelets report node events under
 * the node's name as UID, controllers under its real UID: both are searched).
 */
import type { Event, Node, Pod } from '../../api/generated/core/v1.js';
import type { Lease } from '../../api/generated/coordination/v1.js';
import { isStatus } from '../errors.js';
import { errorText } from '../../util/errors.js';
import { resources } from '../../client/resources.js';
import { getObject, listAll, type DescribeContext } from './context.js';
import { describeEvents, searchEvents } from './events.js';
import { byString, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, rfc1123z, since, sortedKeys } from './format.js';
import { percent, podRequestsAndLimits, quantityOf, type Resources } from './pod-resources.js';
import { Quantity } from '../../api/quantity.js';
import { LEVEL_0, LEVEL_1, tabbed, type PrefixWriter } from './writer.js';

/** Roles from `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label, sorted. */
export function nodeRoles(labels: Readonly<Record<string, string>> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort(byString);
}

const toResources = (list: Readonly<Record<string, string>> | undefined): Resources => new Map(Object.entries(list ?? {}).map(([k, v]) => [k, Quantity.parse(v)]));

function sumPods(pods: readonly Pod[]): { requests: Resources; limits: Resources } {
  const requests: Resources = new Map();
  const limits: Resources = new Map();
  for (const p of pods) {
    const r = podRequestsAndLimits(p);
    for (const [into, from] of [[requests, r.requests], [limits, r.limits]] as const) {
      for (const [k, q] of from) into.set(k, into.get(k)?.add(q) ?? q);
    }
  }
  return { requests, limits };
}

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** The Non-terminated Pods table and the Allocated resources table (describeNodeResource). */
function describeNodeResource(pods: readonly Pod[], node: Node, w: PrefixWriter, now: () => number): void {
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const allocatable = toResources(Object.keys(node.status?.allocatable ?? {}).length > 0 ? node.status?.allocatable : node.status?.capacity);
  const cpuAlloc = quantityOf(allocatable, 'cpu').milliValue();
  const memAlloc = quantityOf(allocatable, 'memory').value();
  for (const p of pods) {
    const { requests, limits } = podRequestsAndLimits(p);
    const cpuReq = quantityOf(requests, 'cpu');
    const cpuLim = quantityOf(limits, 'cpu');
    const memReq = quantityOf(requests, 'memory');
    const memLim = quantityOf(limits, 'memory');
    w.write(
      LEVEL_1,
      `${p.metadata?.namespace ?? ''}\t${p.metadata?.name ?? ''}\t\t${cpuReq.toString()} (${percent(cpuReq.milliValue(), cpuAlloc)}%)\t${cpuLim.toString()} (${percent(cpuLim.milliValue(), cpuAlloc)}%)\t${memReq.toString()} (${percent(memReq.value(), memAlloc)}%)\t${memLim.toString()} (${percent(memLim.value(), memAlloc)}%)\t${since(p.metadata?.creationTimestamp, now)}\n`,
    );
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  const { requests, limits } = sumPods(pods);
  const row = (name: string, total: bigint, value: (q: Quantity) => bigint): void => {
    const req = quantityOf(requests, name);
    const lim = quantityOf(limits, name);
    const frac = (q: Quantity): string => (total !== 0n ? percent(value(q), total) : '0');
    w.write(LEVEL_1, `${name}\t${req.toString()} (${frac(req)}%)\t${lim.toString()} (${frac(lim)}%)\n`);
  };
  row('cpu', cpuAlloc, (q) => q.milliValue());
  row('memory', memAlloc, (q) => q.value());
  row('ephemeral-storage', quantityOf(allocatable, 'ephemeral-storage').value(), (q) => q.value());
  const names = sortedKeys(Object.fromEntries(allocatable));
  for (const name of names.filter((n) => n.startsWith('hugepages-'))) row(name, quantityOf(allocatable, name).value(), (q) => q.value());
  for (const name of names.filter((n) => !n.startsWith('hugepages-') && !STANDARD.has(n) && n !== 'pods')) {
    w.write(LEVEL_1, `${name}\t${quantityOf(requests, name).toString()}\t${quantityOf(limits, name).toString()}\n`);
  }
}

/** Describes one Node. */
export async function describeNode(ctx: DescribeContext, _namespace: string, name: string): Promise<string> {
  const node = await getObject<Node>(ctx, resources.nodes, '', name);
  let pods: Pod[] | undefined;
  try {
    pods = await listAll<Pod>(ctx, resources.pods, { namespace: '', fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed` });
  } catch (e) {
    // Allowed to read the node but not the pods: say so instead of failing.
    if (!isStatus(e, 403)) throw e;
  }
  let events: Event[] | undefined;
  if (ctx.settings.showEvents) {
    const target = { name, namespace: '', kind: 'Node' };
    events = [...(await searchEvents(ctx, { ...target, uid: node.metadata?.uid })), ...(await searchEvents(ctx, { ...target, uid: name }))];
  }
  let lease: Lease | string;
  try {
    lease = await getObject<Lease>(ctx, resources.leases, 'kube-node-lease', name);
  } catch (e) {
    lease = errorText(e);
  }
  return tabbed((w) => {
    const status = node.status;
    w.write(LEVEL_0, `Name:\t${node.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Roles:\t${nodeRoles(node.metadata?.labels).join(',') || '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', node.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', node.metadata?.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(node.metadata?.creationTimestamp)}\n`);
    printTaintsMultiline(w, 'Taints', node.spec?.taints);
    w.write(LEVEL_0, `Unschedulable:\t${node.spec?.unschedulable === true}\n`);
    if (typeof lease === 'string') w.write(LEVEL_0, `Lease:\tFailed to get lease: ${lease}\n`);
    else {
      w.write(LEVEL_0, 'Lease:\n');
      w.write(LEVEL_1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
      w.write(LEVEL_1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
      w.write(LEVEL_1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
    }
    const conditions = status?.conditions ?? [];
    if (conditions.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of conditions) {
        w.write(LEVEL_1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
      }
    }
    w.write(LEVEL_0, 'Addresses:\n');
    for (const a of status?.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
    for (const [title, list] of [['Capacity', status?.capacity], ['Allocatable', status?.allocatable]] as const) {
      const keys = sortedKeys(list);
      if (keys.length === 0) continue;
      w.write(LEVEL_0, `${title}:\n`);
      for (const k of keys) w.write(LEVEL_0, `  ${k}:\t${Quantity.parse(list?.[k] ?? '0').toString()}\n`);
    }
    const info = status?.nodeInfo;
    w.write(LEVEL_0, 'System Info:\n');
    const rows: [string, string | undefined][] = [
      ['Machine ID', info?.machineID],
      ['System UUID', info?.systemUUID],
      ['Boot ID', info?.bootID],
      ['Kernel Version', info?.kernelVersion],
      ['OS Image', info?.osImage],
      ['Operating System', info?.operatingSystem],
      ['Architecture', info?.architecture],
      ['Container Runtime Version', info?.containerRuntimeVersion],
      ['Kubelet Version', info?.kubeletVersion],
      ['Kube-Proxy Version', info?.kubeProxyVersion],
    ];
    for (const [label, value] of rows) w.write(LEVEL_0, `  ${label}:\t${value ?? ''}\n`);
    if (node.spec?.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${node.spec.podCIDR}\n`);
    if ((node.spec?.podCIDRs ?? []).length > 0) w.write(LEVEL_0, `PodCIDRs:\t${(node.spec?.podCIDRs ?? []).join(',')}\n`);
    if (node.spec?.providerID) w.write(LEVEL_0, `ProviderID:\t${node.spec.providerID}\n`);
    if (pods) describeNodeResource(pods, node, w, ctx.now);
    else w.write(LEVEL_0, 'Pods:\tnot authorized\n');
    if (events) describeEvents(events, w, ctx.now);
  });
}
