/**
 * `kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU]`:
 * an autoscaling/v1 HorizontalPodAutoscaler for anything with a scale subresource, built as
 * kubectl 1.32 builds it.
 */
import type { JsonObject } from '../../api/patch/json.js';
import type { KubeObject } from '../../client/types.js';
import { withLastApplied } from '../apply/annotation.js';
import { CliError } from '../errors.js';
import type { Command, CommandContext, ResourceMapping } from '../types.js';
import { dryRunFlag, dryRunStrategy, requireFlag, fieldManagerFlag, filenameFlags, outputFlags, printObject } from '../workloads/common.js';
import { selectInfos, throwErrors } from '../workloads/select.js';

const hpaMapping = { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' };

/** The HPA in Go field order (what `-o json` shows): min and cpu only when given. */
function horizontalPodAutoscaler(name: string, target: ResourceMapping, targetName: string, min: number, max: number, cpu: number): KubeObject {
  const spec: Record<string, unknown> = {
    scaleTargetRef: { kind: target.kind, name: targetName, apiVersion: target.group ? `${target.group}/${target.version}` : target.version },
  };
  if (min > 0) spec['minReplicas'] = min;
  spec['maxReplicas'] = max;
  if (cpu >= 0) spec['targetCPUUtilizationPercentage'] = cpu;
  return {
    kind: 'HorizontalPodAutoscaler',
    apiVersion: 'autoscaling/v1',
    metadata: { name, creationTimestamp: null },
    spec,
    status: { currentReplicas: 0, desiredReplicas: 0 },
  } as unknown as KubeObject;
}

/** What is sent: the HPA without the empty fields Go would not have on the wire as JSON. */
function forCreate(hpa: KubeObject, saveConfig: boolean): KubeObject {
  const body = { kind: hpa.kind, apiVersion: hpa.apiVersion, metadata: { name: hpa.metadata?.name }, spec: (hpa as { spec?: unknown }).spec } as KubeObject;
  return saveConfig ? (withLastApplied(body as JsonObject)) : body;
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  requireFlag(flags, 'max');
  const dryRun = dryRunStrategy(flags);
  const min = flags.int('min');
  const max = flags.int('max');
  const cpu = flags.int('cpu-percent');
  if (max < 1) throw new CliError(`--max=MAXPODS is required and must be at least 1, max: ${max}`);
  if (max < min) throw new CliError(`--max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
  const { infos, errors } = await selectInfos(ctx, ctx.args, { selector: false });
  const namespace = ctx.factory.namespace().namespace;
  let count = 0;
  for (const info of infos) {
    const m = info.mapping;
    if (!m.subresources.includes('scale')) {
      throw new CliError(`cannot autoscale a ${m.kind}: could not find scale subresource for ${m.group}/${m.version}, Resource=${m.resource} in discovery information`);
    }
    const name = flags.string('name') || info.name;
    const hpa = horizontalPodAutoscaler(name, m, info.name, min, max, cpu);
    count++;
    if (dryRun === 'client') {
      printObject(ctx, hpaMapping, hpa, 'created', dryRun, { typed: true });
      continue;
    }
    const created = await ctx.factory.client().request<KubeObject>({
      method: 'POST',
      path: `/apis/autoscaling/v1/namespaces/${encodeURIComponent(namespace)}/horizontalpodautoscalers`,
      query: { fieldManager: flags.string('field-manager') || undefined, dryRun: dryRun === 'server' ? 'All' : undefined },
      body: forCreate(hpa, flags.bool('save-config')),
    });
    printObject(ctx, hpaMapping, created, 'autoscaled', dryRun);
  }
  throwErrors(errors);
  if (count === 0) throw new CliError('no objects passed to autoscale');
}

export const command: Command = {
  name: 'autoscale',
  short: 'Auto-scale a deployment, replica set, stateful set, or replication controller',
  long: `Creates an autoscaler that automatically chooses and sets the number of pods that run in a Kubernetes cluster.

 Looks up a deployment, replica set, stateful set, or replication controller by name and creates an autoscaler that uses the given resource as a reference. An autoscaler can automatically increase or decrease number of pods deployed within the system as needed.`,
  usage: 'kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU]',
  examples: `  # Auto scale a deployment "foo", with the number of pods between 2 and 10, no target CPU utilization specified so a default autoscaling policy will be used
  kubectl autoscale deployment foo --min=2 --max=10

  # Auto scale a replication controller "foo", with the number of pods between 1 and 5, target CPU utilization at 80%
  kubectl autoscale rc foo --max=5 --cpu-percent=80`,
  flags: [
    ...outputFlags,
    { name: 'cpu-percent', type: 'int', default: -1, help: "The target average CPU utilization (represented as a percent of requested CPU) over all the pods. If it's not specified or negative, a default autoscaling policy will be used." },
    dryRunFlag,
    fieldManagerFlag('kubectl-autoscale'),
    ...filenameFlags('identifying the resource to autoscale.'),
    { name: 'max', type: 'int', default: -1, help: 'The upper limit for the number of pods that can be set by the autoscaler. Required.' },
    { name: 'min', type: 'int', default: -1, help: "The lower limit for the number of pods that can be set by the autoscaler. If it's not specified or negative, the server will apply a default value." },
    { name: 'name', type: 'string', help: 'The name for the newly created object. If not specified, the name of the input resource will be used.' },
    { name: 'record', type: 'bool', hidden: true, help: 'Record current kubectl command in the resource annotation.' },
    { name: 'save-config', type: 'bool', help: 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.' },
  ],
  run,
};
