/**
 * The metrics.k8s.io/v1beta1 resources as metrics-server registers them (read-only, no singular
 * name, no watch), and their Tables as metrics-server prints them: Name, one column per resource
 * (sorted: cpu, memory), Window.
 */
import { Quantity } from '../../api/quantity.js';
import type { ContainerMetrics, NodeMetrics, PodMetrics, ResourceUsage } from '../../api/metrics.js';
import type { ResourceDef } from '../resources.js';
import type { ColumnDefinition, TableConvertor } from '../tables.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

const READ_ONLY = ['get', 'list'];

export const METRICS_RESOURCES: ResourceDef[] = [
  { group: METRICS_GROUP, version: METRICS_VERSION, kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false, verbs: READ_ONLY, subresources: [], external: true },
  { group: METRICS_GROUP, version: METRICS_VERSION, kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true, verbs: READ_ONLY, subresources: [], external: true },
];

const RESOURCES = ['cpu', 'memory'] as const;

const columns: ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  ...RESOURCES.map((r) => ({ name: r, type: 'string', format: 'quantity', description: '', priority: 0 })),
  { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
];

/** Sums the containers' usage per resource, as metrics-server's pod table does. */
function podUsage(containers: ContainerMetrics[]): ResourceUsage {
  const sums = new Map<string, Quantity>();
  for (const c of containers) {
    for (const [k, v] of Object.entries(c.usage)) {
      const prev = sums.get(k);
      sums.set(k, prev ? prev.add(Quantity.parse(v)) : Quantity.parse(v));
    }
  }
  return Object.fromEntries([...sums].map(([k, q]) => [k, q.toString()]));
}

function convertor(usage: (o: Record<string, unknown>) => ResourceUsage): TableConvertor {
  return {
    columns,
    cells: (o) => {
      const u = usage(o);
      const meta = o['metadata'] as { name?: string } | undefined;
      const window = o['window'];
      return [meta?.name ?? '', ...RESOURCES.map((r) => u[r] ?? '0'), typeof window === 'string' ? window : ''];
    },
  };
}

export const nodeMetricsTable = convertor((o) => (o as unknown as NodeMetrics).usage);
export const podMetricsTable = convertor((o) => podUsage((o as unknown as PodMetrics).containers));
