/**
 * kubectl top's tables (kubectl's metricsutil.TopCmdPrinter): CPU in millicores (`5m`), memory in
 * whole mebibytes rounded down (`12Mi`), node usage as a percentage of allocatable (or capacity),
 * `<unknown>` for nodes without metrics, and the `--sum` footer. Every cell is tab-terminated, so
 * lines keep their trailing padding, as kubectl's do.
 */
import type { ContainerMetrics, NodeMetrics, PodMetrics, ResourceUsage } from '../../../api/metrics.js';
import { Quantity } from '../../../api/quantity.js';
import { TabWriter } from '../../printers/tabwriter.js';

const MEASURED = ['cpu', 'memory'] as const;
const NODE_COLUMNS = ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'];
const POD_COLUMNS = ['NAME', 'CPU(cores)', 'MEMORY(bytes)'];
const MIB = 1024n * 1024n;

/** Resource amounts by name (a node's allocatable or capacity). */
export type ResourceList = Record<string, string | undefined>;

/** `--sort-by`: '' (by name), `cpu` or `memory` (largest first). */
export type SortBy = '' | 'cpu' | 'memory';

const quantity = (usage: ResourceUsage | ResourceList | undefined, res: string): Quantity => Quantity.parse(usage?.[res] ?? '0');

/** Go's `sort.Sort` is not stable, but for the short lists it sorts by insertion, which is; ours always is. */
function sortMetrics<T>(items: T[], sortBy: SortBy, usage: (t: T) => ResourceUsage | ResourceList, name: (t: T) => [string, string]): T[] {
  const key = (t: T) => (sortBy === 'cpu' ? quantity(usage(t), 'cpu').milliValue() : quantity(usage(t), 'memory').value());
  return [...items].sort((a, b) => {
    if (sortBy !== '') {
      const ka = key(a);
      const kb = key(b);
      return ka > kb ? -1 : ka < kb ? 1 : 0;
    }
    const [na, ma] = name(a);
    const [nb, mb] = name(b);
    if (na !== nb) return na < nb ? -1 : 1;
    return ma < mb ? -1 : ma > mb ? 1 : 0;
  });
}

function usageCells(usage: ResourceUsage | ResourceList, available: ResourceList | undefined): string {
  let out = '';
  for (const res of MEASURED) {
    const q = quantity(usage, res);
    out += res === 'cpu' ? `${q.milliValue()}m\t` : `${q.value() / MIB}Mi\t`;
    const avail = available?.[res];
    if (avail !== undefined) {
      const fraction = (Number(q.milliValue()) / Number(Quantity.parse(avail).milliValue())) * 100;
      out += `${Math.trunc(fraction)}%\t`;
    }
  }
  return out;
}

/** The node table; `available` holds each listed node's allocatable (or capacity), in list order. */
export function printNodeMetrics(metrics: NodeMetrics[], available: Map<string, ResourceList>, o: { noHeaders: boolean; sortBy: SortBy }): string {
  if (metrics.length === 0) return '';
  const w = new TabWriter();
  if (!o.noHeaders) w.write(`${NODE_COLUMNS.join('\t')}\t\n`);
  const left = new Map(available);
  for (const m of sortMetrics(metrics, o.sortBy, (x) => x.usage, (x) => [x.metadata.name ?? '', ''])) {
    const name = m.metadata.name ?? '';
    w.write(`${name}\t${usageCells(m.usage, available.get(name))}\n`);
    left.delete(name);
  }
  // Nodes that exist but have no metrics (Go walks a map here, so its order varies).
  for (const name of left.keys()) w.write(`${name}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n`);
  return w.flush();
}

/** The sum of the pod's containers' usage (zero when it has none). */
export function podUsage(m: PodMetrics): ResourceUsage {
  const total: Record<string, Quantity> = { cpu: Quantity.parse('0'), memory: Quantity.parse('0') };
  for (const c of m.containers ?? []) for (const res of MEASURED) total[res] = (total[res] ?? Quantity.parse('0')).add(quantity(c.usage, res));
  return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v.toString()]));
}

/** Options of {@link printPodMetrics}. */
export interface PodTableOptions {
  containers: boolean;
  withNamespace: boolean;
  noHeaders: boolean;
  sortBy: SortBy;
  sum: boolean;
}

/** The pod table (or the container table with `containers`), with the `--sum` footer. */
export function printPodMetrics(metrics: PodMetrics[], o: PodTableOptions): string {
  if (metrics.length === 0) return '';
  const w = new TabWriter();
  // kubectl counts the extra columns only when it prints the header (so the footer shifts without it).
  let columns = POD_COLUMNS.length;
  if (!o.noHeaders) {
    if (o.withNamespace) {
      w.write('NAMESPACE\t');
      columns++;
    }
    if (o.containers) {
      w.write('POD\t');
      columns++;
    }
    w.write(`${POD_COLUMNS.join('\t')}\t\n`);
  }
  const sorted = sortMetrics(metrics, o.sortBy, podUsage, (m) => (o.withNamespace ? [m.metadata.namespace ?? '', m.metadata.name ?? ''] : [m.metadata.name ?? '', '']));
  for (const m of sorted) {
    const ns = o.withNamespace ? `${m.metadata.namespace ?? ''}\t` : '';
    if (!o.containers) {
      w.write(`${ns}${m.metadata.name ?? ''}\t${usageCells(podUsage(m), {})}\n`);
      continue;
    }
    const containers = sortMetrics<ContainerMetrics>(m.containers ?? [], o.sortBy, (c) => c.usage, (c) => [c.name, '']);
    for (const c of containers) w.write(`${ns}${m.metadata.name ?? ''}\t${c.name}\t${usageCells(c.usage, {})}\n`);
  }
  if (o.sum) {
    const total = sorted.map(podUsage).reduce<Record<string, Quantity>>(
      (acc, u) => Object.fromEntries(MEASURED.map((r) => [r, (acc[r] ?? Quantity.parse('0')).add(quantity(u, r))])),
      {},
    );
    const totals = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v.toString()]));
    w.write(`${'\t'.repeat(Math.max(0, columns - 2))}________\t________\t\n`);
    w.write(`${'\t'.repeat(Math.max(0, columns - 3))}\t${usageCells(totals, {})}\n`);
  }
  return w.flush();
}
