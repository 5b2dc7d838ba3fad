/**
 * `kubectl cluster-info dump`: nodes, then per namespace (kube-system and the current one, or
 * `--namespaces`, or all with `-A`) events, replication controllers, services, daemon sets,
 * deployments, replica sets and pods, then each container's log, to stdout or to files under
 * `--output-directory` (`nodes.json`, `<ns>/pods.json`, `<ns>/<pod>/logs.txt`).
 */
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiError } from '../../../api/errors.js';
import type { KubeList, KubeObject } from '../../../client/types.js';
import { formatObjects } from '../../printers/output.js';
import type { Command, CommandContext, FlagSpec } from '../../types.js';
import { printFlagSpecs } from '../create/options.js';
import { goErrorText } from '../drain/go-text.js';

interface Container {
  name: string;
}
type Pod = KubeObject & { spec?: { initContainers?: Container[]; containers?: Container[] } };

/** The collections dumped per namespace, in kubectl's order. */
const PER_NAMESPACE: Array<{ file: string; apiVersion: 'v1' | 'apps/v1'; resource: string; kind: string }> = [
  { file: 'events', apiVersion: 'v1', resource: 'events', kind: 'EventList' },
  { file: 'replication-controllers', apiVersion: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationControllerList' },
  { file: 'services', apiVersion: 'v1', resource: 'services', kind: 'ServiceList' },
  { file: 'daemonsets', apiVersion: 'apps/v1', resource: 'daemonsets', kind: 'DaemonSetList' },
  { file: 'deployments', apiVersion: 'apps/v1', resource: 'deployments', kind: 'DeploymentList' },
  { file: 'replicasets', apiVersion: 'apps/v1', resource: 'replicasets', kind: 'ReplicaSetList' },
  { file: 'pods', apiVersion: 'v1', resource: 'pods', kind: 'PodList' },
];

function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * A failed log request as client-go's DoRaw reports it: the body is not read as a Status, so a
 * 404 is the generic "could not find" text naming the request.
 */
function logErrorText(e: unknown, pod: string): string {
  if (e instanceof ApiError && e.code === 404) return `the server could not find the requested resource (get pods ${pod})`;
  return goErrorText(e);
}

/** Where one part of the dump goes: stdout, or a file (created afresh) under the output directory. */
class Sink {
  constructor(
    private readonly ctx: CommandContext,
    private readonly dir: string,
  ) {}

  open(name: string, ext: string): (text: string) => void {
    if (this.dir === '' || this.dir === '-') return (text) => this.ctx.streams.stdout.write(text);
    const file = join(this.dir, name) + ext;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
    return (text) => appendFileSync(file, text);
  }
}

async function run(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  const client = ctx.factory.client();
  const output = f.string('output') || 'json';
  const ext = output === 'json' ? '.json' : output === 'yaml' ? '.yaml' : '.txt';
  const sink = new Sink(ctx, f.string('output-directory'));
  let printed = 0;
  const print = (list: KubeList<KubeObject>, kind: string, apiVersion: string, name: string) => {
    // managedFields are dropped from the items too (formatObjects only sees the list).
    const items = f.bool('show-managed-fields') ? list.items : list.items.map(withoutManagedFields);
    const obj = { ...list, items, kind: list.kind ?? kind, apiVersion: list.apiVersion ?? apiVersion } as KubeObject;
    // kubectl's one YAML printer separates every object after the first with `---`, files or not.
    const separator = output === 'yaml' && printed++ > 0 ? '---\n' : '';
    sink.open(name, ext)(separator + formatObjects([obj], output, { single: true, template: f.string('template') || undefined, showManagedFields: f.bool('show-managed-fields') }));
  };
  print(await client.request<KubeList<KubeObject>>({ method: 'GET', path: '/api/v1/nodes' }), 'NodeList', 'v1', 'nodes');

  let namespaces: string[];
  if (f.bool('all-namespaces')) {
    const list = await client.request<KubeList<KubeObject>>({ method: 'GET', path: '/api/v1/namespaces' });
    namespaces = (list.items ?? []).map((n) => n.metadata?.name ?? '');
  } else {
    const chosen = f.strings('namespaces');
    namespaces = chosen.length > 0 ? chosen : ['kube-system', ctx.factory.namespace().namespace];
  }
  for (const ns of namespaces) {
    let pods: Pod[] = [];
    for (const c of PER_NAMESPACE) {
      const root = c.apiVersion === 'v1' ? '/api/v1' : `/apis/${c.apiVersion}`;
      const list = await client.request<KubeList<KubeObject>>({ method: 'GET', path: `${root}/namespaces/${encodeURIComponent(ns)}/${c.resource}` });
      print(list, c.kind, c.apiVersion, `${ns}/${c.file}`);
      if (c.file === 'pods') pods = list.items;
    }
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '';
      const write = sink.open(`${ns}/${name}/logs`, '.txt');
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
        write(`==== START logs for container ${c.name} of pod ${ns}/${name} ====\n`);
        try {
          write(await client.request<string>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log`, query: { container: c.name } }));
        } catch (e) {
          write(`Request log error: ${logErrorText(e, name)}\n`);
        }
        write(`==== END logs for container ${c.name} of pod ${ns}/${name} ====\n`);
      }
    }
  }
  const dir = f.string('output-directory');
  if (dir !== '' && dir !== '-') ctx.streams.stdout.write(`Cluster info dumped to ${dir}\n`);
}

export const dump: Command = {
  name: 'dump',
  short: 'Dump relevant information for debugging and diagnosis',
  long: `Dump cluster information out suitable for debugging and diagnosing cluster problems.  By default, dumps everything to stdout. You can optionally specify a directory with --output-directory.  If you specify a directory, Kubernetes will build a set of files in that directory.  By default, only dumps things in the current namespace and 'kube-system' namespace, but you can switch to a different namespace with the --namespaces flag, or specify --all-namespaces to dump all namespaces.

 The command also dumps the logs of all of the pods in the cluster; these logs are dumped into different directories based on namespace and pod name.`,
  usage: 'kubectl cluster-info dump [flags]',
  examples: `  # Dump current cluster state to stdout
  kubectl cluster-info dump

  # Dump current cluster state to /path/to/cluster-state
  kubectl cluster-info dump --output-directory=/path/to/cluster-state

  # Dump all namespaces to stdout
  kubectl cluster-info dump --all-namespaces

  # Dump a set of namespaces to /path/to/cluster-state
  kubectl cluster-info dump --namespaces default,kube-system --output-directory=/path/to/cluster-state`,
  flags: ([
    { name: 'all-namespaces', short: 'A', type: 'bool', default: false, help: 'If true, dump all namespaces.  If true, --namespaces is ignored.' },
    ...printFlagSpecs.map((s) => (s.name === 'output' ? { ...s, default: 'json' } : s)),
    { name: 'namespaces', type: 'strings', default: [], help: 'A comma separated list of namespaces to dump.' },
    { name: 'output-directory', type: 'string', default: '', help: "Where to output the files.  If empty or '-' uses stdout, otherwise creates a directory hierarchy in that directory" },
    { name: 'pod-running-timeout', type: 'duration', default: '20s', help: 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running' },
  ] satisfies FlagSpec[]).sort((a, b) => (a.name < b.name ? -1 : 1)),
  run,
};
