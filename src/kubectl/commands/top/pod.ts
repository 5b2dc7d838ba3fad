/** `kubectl top pod [NAME | -l label]`: pods' (or their containers') CPU and memory use. */
import type { PodMetrics, PodMetricsList } from '../../../api/metrics.js';
import type { KubeList, Transport } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { selectorFlagSpec } from '../cordon.js';
import { goDuration } from '../drain/go-text.js';
import { fieldSelectorParam, labelSelectorParam, METRICS_PATH, nameArg, protobufFlagSpec, requireMetricsApi, sortByFlag } from './metrics-api.js';
import { printPodMetrics } from './printer.js';

const USE = 'pod [NAME | -l label]';
/** Metrics may lag a new pod by this much before kubectl calls their absence an error. */
const METRICS_CREATION_DELAY_MS = 2 * 60_000;

interface PodMeta {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string };
}

function checkPodAge(pod: PodMeta, now: number): void {
  const age = now - Date.parse(pod.metadata?.creationTimestamp ?? '');
  if (age > METRICS_CREATION_DELAY_MS) throw new CliError(`Metrics not available for pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}, age: ${goDuration(age)}`);
}

/**
 * Why no metrics came back (verifyEmptyMetrics): an error for pods old enough to have them, else
 * "metrics not available yet"; nothing when there are no pods at all. Like kubectl, this looks in
 * the current namespace even with -A.
 */
async function explainEmpty(client: Transport, o: { namespace: string; name: string; labelSelector?: string; fieldSelector?: string }): Promise<void> {
  const base = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods`;
  if (o.name !== '') {
    checkPodAge(await client.request<PodMeta>({ method: 'GET', path: `${base}/${encodeURIComponent(o.name)}` }), Date.now());
  } else {
    const pods = (await client.request<KubeList<PodMeta>>({ method: 'GET', path: base, query: { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector } })).items ?? [];
    if (pods.length === 0) return;
    for (const pod of pods) checkPodAge(pod, Date.now());
  }
  throw new CliError('metrics not available yet');
}

async function run(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  const name = nameArg(ctx, USE);
  const { namespace } = ctx.factory.namespace();
  const sortBy = sortByFlag(ctx);
  if (name !== '' && (f.string('selector') !== '' || f.string('field-selector') !== '')) throw new CliError('only one of NAME or selector can be provided');
  const labelSelector = labelSelectorParam(f.string('selector')) || undefined;
  const fieldSelector = fieldSelectorParam(f.string('field-selector')) || undefined;
  const client = ctx.factory.client();
  await requireMetricsApi(client);

  const all = f.bool('all-namespaces');
  const base = all ? `${METRICS_PATH}/pods` : `${METRICS_PATH}/namespaces/${encodeURIComponent(namespace)}/pods`;
  const metrics: PodMetrics[] =
    name !== ''
      ? [await client.request<PodMetrics>({ method: 'GET', path: `${base}/${encodeURIComponent(name)}` })]
      : ((await client.request<PodMetricsList>({ method: 'GET', path: base, query: { labelSelector, fieldSelector } })).items ?? []);
  if (metrics.length === 0) {
    await explainEmpty(client, { namespace, name, labelSelector, fieldSelector });
    ctx.streams.stderr.write(all ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
  }
  ctx.streams.stdout.write(printPodMetrics(metrics, { containers: f.bool('containers'), withNamespace: all, noHeaders: f.bool('no-headers'), sortBy, sum: f.bool('sum') }));
}

export const pod: Command = {
  name: 'pod',
  aliases: ['pods', 'po'],
  short: 'Display resource (CPU/memory) usage of pods',
  long: `Display resource (CPU/memory) usage of pods.

 The 'top pod' command allows you to see the resource consumption of pods.

 Due to the metrics pipeline delay, they may be unavailable for a few minutes since pod creation.`,
  usage: 'kubectl top pod [NAME | -l label]',
  examples: `  # Show metrics for all pods in the default namespace
  kubectl top pod

  # Show metrics for all pods in the given namespace
  kubectl top pod --namespace=NAMESPACE

  # Show metrics for a given pod and its containers
  kubectl top pod POD_NAME --containers

  # Show metrics for the pods defined by label name=myLabel
  kubectl top pod -l name=myLabel`,
  flags: [
    { name: 'all-namespaces', short: 'A', type: 'bool', default: false, help: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
    { name: 'containers', type: 'bool', default: false, help: 'If present, print usage of containers within a pod.' },
    { name: 'field-selector', type: 'string', default: '', help: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type." },
    { name: 'no-headers', type: 'bool', default: false, help: 'If present, print output without headers.' },
    selectorFlagSpec,
    { name: 'sort-by', type: 'string', default: '', help: "If non-empty, sort pods list using specified field. The field can be either 'cpu' or 'memory'." },
    { name: 'sum', type: 'bool', default: false, help: 'Print the sum of the resource usage' },
    protobufFlagSpec,
  ],
  run,
};
