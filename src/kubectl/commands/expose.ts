/**
 * `kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] …`:
 * a Service for a pod, service, replication controller, replica set or deployment, with the
 * selector, ports, protocols and labels taken from it unless given.
 */
import type { PodSpec } from '../../api/generated/core/v1.js';
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';
import type { Command, CommandContext, ResourceMapping } from '../types.js';
import { dryRunFlag, dryRunStrategy, fieldManagerFlag, filenameFlags, outputFlags, printObject } from '../workloads/common.js';
import { applyOverrides, buildService, forCreate } from '../workloads/generate.js';
import { selectInfos, throwErrors } from '../workloads/select.js';
import { withLastApplied } from '../apply/annotation.js';
import type { JsonObject } from '../../api/patch/json.js';

type Obj = Record<string, unknown>;

const exposable = new Set(['/ReplicationController', '/Service', '/Pod', 'apps/Deployment', 'apps/ReplicaSet', 'extensions/Deployment', 'extensions/ReplicaSet']);

const makeLabels = (m: Record<string, string> | undefined): string =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** kubectl's MapBasedSelectorForObject. */
function selectorFor(m: ResourceMapping, obj: Obj): string {
  const spec = (obj['spec'] ?? {}) as Obj;
  const meta = (obj['metadata'] ?? {}) as { labels?: Record<string, string> };
  switch (m.kind) {
    case 'ReplicationController':
      return makeLabels(spec['selector'] as Record<string, string> | undefined);
    case 'Pod':
      if (Object.keys(meta.labels ?? {}).length === 0) throw new Error('the pod has no labels and cannot be exposed');
      return makeLabels(meta.labels);
    case 'Service':
      if (!spec['selector']) throw new Error('the service has no pod selector set');
      return makeLabels(spec['selector'] as Record<string, string>);
  }
  const sel = spec['selector'] as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
  const what = m.kind === 'Deployment' ? 'deployment' : 'replicaset';
  if (!sel || Object.keys(sel.matchLabels ?? {}).length === 0) throw new Error(`invalid ${what}: no selectors, therefore cannot be exposed`);
  if ((sel.matchExpressions ?? []).length > 0) throw new Error(`couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map-based selector format`);
  return makeLabels(sel.matchLabels);
}

function podSpecOfExposed(m: ResourceMapping, obj: Obj): PodSpec | undefined {
  const spec = (obj['spec'] ?? {}) as Obj;
  if (m.kind === 'Pod') return spec as unknown as PodSpec;
  if (m.kind === 'Service') return undefined;
  return ((spec['template'] ?? {}) as { spec?: PodSpec }).spec;
}

/** kubectl's PortsForObject (distinct container ports, or the service's ports). */
function portsFor(m: ResourceMapping, obj: Obj): string[] {
  const out: string[] = [];
  const add = (p: number | undefined) => {
    const key = String(p ?? 0);
    if (!out.includes(key)) out.push(key);
  };
  if (m.kind === 'Service') for (const p of ((obj['spec'] as Obj | undefined)?.['ports'] as { port?: number }[] | undefined) ?? []) add(p.port);
  else for (const c of (podSpecOfExposed(m, obj)?.containers ?? [])) for (const p of c.ports ?? []) add(p.containerPort);
  return out;
}

/** kubectl's MultiProtocolsForObject: port → protocols. */
function protocolsFor(m: ResourceMapping, obj: Obj): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (port: number | undefined, protocol: string | undefined) => {
    const key = String(port ?? 0);
    out.set(key, [...(out.get(key) ?? []), protocol || 'TCP']);
  };
  if (m.kind === 'Service') for (const p of ((obj['spec'] as Obj | undefined)?.['ports'] as { port?: number; protocol?: string }[] | undefined) ?? []) add(p.port, p.protocol);
  else for (const c of (podSpecOfExposed(m, obj)?.containers ?? [])) for (const p of c.ports ?? []) add(p.containerPort, p.protocol);
  return out;
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  const dryRun = dryRunStrategy(flags);
  const { infos, errors } = await selectInfos(ctx, ctx.args, { selector: false });
  throwErrors(errors);
  const { namespace, explicit } = ctx.factory.namespace();
  const str = (name: string) => flags.string(name);
  // Like kubectl, what one object fills in (selector, port, labels) carries over to the next.
  let selector = str('selector');
  let port = str('port');
  let labels = str('labels');
  for (const info of infos) {
    const m = info.mapping;
    if (!exposable.has(`${m.group}/${m.kind}`)) throw new CliError(`cannot expose a ${m.group ? `${m.kind}.${m.group}` : m.kind}`);
    const obj = (info.object ?? {}) as Obj;
    const defaultName = info.name.slice(0, 63);
    if (selector === '') {
      try {
        selector = selectorFor(m, obj);
      } catch (e) {
        throw new CliError(`couldn't retrieve selectors via --selector flag or introspection: ${(e as Error).message}`);
      }
    }
    let ports = '';
    if (port === '') {
      const found = portsFor(m, obj);
      if (found.length === 0 && str('cluster-ip') !== 'None') throw new CliError("couldn't find port via --port flag or introspection");
      if (found.length === 1) port = found[0] ?? '';
      else ports = found.join(',');
    }
    if (labels === '') labels = makeLabels(((obj['metadata'] ?? {}) as { labels?: Record<string, string> }).labels);
    const service = applyOverrides(
      buildService({
        name: str('name') || defaultName,
        namespace: dryRun === 'client' && explicit ? namespace : undefined,
        selector,
        labels,
        ports: ports || port,
        protocol: str('protocol'),
        protocols: protocolsFor(m, obj),
        targetPort: str('target-port'),
        externalIP: str('external-ip'),
        type: str('type'),
        loadBalancerIP: str('load-balancer-ip'),
        sessionAffinity: str('session-affinity'),
        clusterIP: str('cluster-ip'),
      }),
      str('overrides'),
      str('override-type'),
      'io.k8s.api.core.v1.Service',
    );
    const svcMapping = { group: '', kind: 'Service' };
    if (dryRun === 'client') {
      printObject(ctx, svcMapping, service, 'exposed', dryRun, { typed: true });
      continue;
    }
    let body = forCreate(service);
    if (flags.bool('save-config')) body = withLastApplied(body as JsonObject);
    const created = await ctx.factory.client().request<KubeObject>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/services`,
      query: { fieldManager: str('field-manager') || undefined, dryRun: dryRun === 'server' ? 'All' : undefined },
      body,
    });
    printObject(ctx, svcMapping, created, 'exposed', dryRun);
  }
}

export const command: Command = {
  name: 'expose',
  short: 'Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service',
  long: `Expose a resource as a new Kubernetes service.

 Looks up a deployment, service, replica set, replication controller or pod by name and uses the selector for that resource as the selector for a new service on the specified port. A deployment or replica set will be exposed as a service only if its selector is convertible to a selector that service supports, i.e. when the selector contains only the matchLabels component. Note that if no port is specified via --port and the exposed resource has multiple ports, all will be re-used by the new service. Also if no labels are specified, the new service will re-use the labels from the resource it exposes.

 Possible resources include (case insensitive):

 pod (po), service (svc), replicationcontroller (rc), deployment (deploy), replicaset (rs)`,
  usage: 'kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type]',
  examples: `  # Create a service for a replicated nginx, which serves on port 80 and connects to the containers on port 8000
  kubectl expose rc nginx --port=80 --target-port=8000

  # Create a service for a replication controller identified by type and name specified in "nginx-controller.yaml", which serves on port 80 and connects to the containers on port 8000
  kubectl expose -f nginx-controller.yaml --port=80 --target-port=8000

  # Create a service for a pod valid-pod, which serves on port 444 with the name "frontend"
  kubectl expose pod valid-pod --port=444 --name=frontend

  # Create a second service based on the above service, exposing the container port 8443 as port 443 with the name "nginx-https"
  kubectl expose service nginx --port=443 --target-port=8443 --name=nginx-https

  # Create a service for a replicated streaming application on port 4100 balancing UDP traffic and named 'video-stream'.
  kubectl expose rc streamer --port=4100 --protocol=UDP --name=video-stream

  # Create a service for a replicated nginx using replica set, which serves on port 80 and connects to the containers on port 8000
  kubectl expose rs nginx --port=80 --target-port=8000

  # Create a service for an nginx deployment, which serves on port 80 and connects to the containers on port 8000
  kubectl expose deployment nginx --port=80 --target-port=8000`,
  flags: [
    ...outputFlags,
    { name: 'cluster-ip', type: 'string', help: "ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service." },
    dryRunFlag,
    { name: 'external-ip', type: 'string', help: 'Additional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to a node, the service can be accessed by this IP in addition to its generated service IP.' },
    fieldManagerFlag('kubectl-expose'),
    ...filenameFlags('identifying the resource to expose a service'),
    { name: 'labels', short: 'l', type: 'string', help: 'Labels to apply to the service created by this call.' },
    { name: 'load-balancer-ip', type: 'string', help: 'IP to assign to the LoadBalancer. If empty, an ephemeral IP will be created and used (cloud-provider specific).' },
    { name: 'name', type: 'string', help: 'The name for the newly created object.' },
    { name: 'override-type', type: 'string', default: 'merge', help: 'The method used to override the generated object: json, merge, or strategic.' },
    { name: 'overrides', type: 'string', help: 'An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.' },
    { name: 'port', type: 'string', help: 'The port that the service should serve on. Copied from the resource being exposed, if unspecified' },
    { name: 'protocol', type: 'string', help: "The network protocol for the service to be created. Default is 'TCP'." },
    { name: 'record', type: 'bool', hidden: true, help: 'Record current kubectl command in the resource annotation.' },
    { name: 'save-config', type: 'bool', help: 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.' },
    { name: 'selector', type: 'string', help: 'A label selector to use for this service. Only equality-based selector requirements are supported. If empty (the default) infer the selector from the replication controller or replica set.)' },
    { name: 'session-affinity', type: 'string', help: "If non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'" },
    { name: 'target-port', type: 'string', help: 'Name or number for the port on the container that the service should direct traffic to. Optional.' },
    { name: 'type', type: 'string', help: "Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'." },
  ],
  run,
};
