/** `kubectl top node [NAME | -l label]`: nodes' CPU and memory use against their allocatable (or capacity). */
import type { NodeMetrics, NodeMetricsList } from '../../../api/metrics.js';
import type { KubeList } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { selectorFlagSpec } from '../cordon.js';
import { labelSelectorParam, METRICS_PATH, nameArg, protobufFlagSpec, requireMetricsApi, sortByFlag } from './metrics-api.js';
import { printNodeMetrics, type ResourceList } from './printer.js';

const USE = 'node [NAME | -l label]';

interface NodeResources {
  metadata?: { name?: string };
  status?: { allocatable?: ResourceList; capacity?: ResourceList };
}

async function run(ctx: CommandContext): Promise<void> {
  const name = nameArg(ctx, USE);
  const sortBy = sortByFlag(ctx);
  const selectorText = ctx.flags.string('selector');
  if (name !== '' && selectorText !== '') throw new CliError('only one of NAME or --selector can be provided');
  const labelSelector = labelSelectorParam(selectorText) || undefined;
  const client = ctx.factory.client();
  await requireMetricsApi(client);

  const metrics: NodeMetrics[] =
    name !== ''
      ? [await client.request<NodeMetrics>({ method: 'GET', path: `${METRICS_PATH}/nodes/${encodeURIComponent(name)}` })]
      : ((await client.request<NodeMetricsList>({ method: 'GET', path: `${METRICS_PATH}/nodes`, query: { labelSelector } })).items ?? []);
  if (metrics.length === 0) throw new CliError('metrics not available yet');

  const nodes: NodeResources[] =
    name !== ''
      ? [await client.request<NodeResources>({ method: 'GET', path: `/api/v1/nodes/${encodeURIComponent(name)}` })]
      : ((await client.request<KubeList<NodeResources>>({ method: 'GET', path: '/api/v1/nodes', query: { labelSelector } })).items ?? []);
  const capacity = ctx.flags.bool('show-capacity');
  const available = new Map(nodes.map((n) => [n.metadata?.name ?? '', (capacity ? n.status?.capacity : n.status?.allocatable) ?? {}]));
  ctx.streams.stdout.write(printNodeMetrics(metrics, available, { noHeaders: ctx.flags.bool('no-headers'), sortBy }));
}

export const node: Command = {
  name: 'node',
  aliases: ['nodes', 'no'],
  short: 'Display resource (CPU/memory) usage of nodes',
  long: `Display resource (CPU/memory) usage of nodes.

 The top-node command allows you to see the resource consumption of nodes.`,
  usage: 'kubectl top node [NAME | -l label]',
  examples: `  # Show metrics for all nodes
  kubectl top node

  # Show metrics for a given node
  kubectl top node NODE_NAME`,
  flags: [
    { name: 'no-headers', type: 'bool', default: false, help: 'If present, print output without headers' },
    selectorFlagSpec,
    { name: 'show-capacity', type: 'bool', default: false, help: 'Print node resources based on Capacity instead of Allocatable(default) of the nodes.' },
    { name: 'sort-by', type: 'string', default: '', help: "If non-empty, sort nodes list using specified field. The field can be either 'cpu' or 'memory'." },
    protobufFlagSpec,
  ],
  run,
};
