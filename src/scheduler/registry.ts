/**
 * The plugin registry (upstream framework/plugins/registry.go): plugin names to factories, and the
 * default profile in upstream's order with its score weights. Filter order matters: the first
 * rejection is the reason a node shows in "0/N nodes are available".
 */
import type { EnabledPlugin } from './framework/framework.js';
import type { Handle, Plugin } from './framework/interface.js';
import { BalancedAllocation } from './plugins/balanced-allocation.js';
import { DefaultPreemption } from './plugins/default-preemption.js';
import { ImageLocality } from './plugins/image-locality.js';
import { InterPodAffinity } from './plugins/inter-pod-affinity.js';
import { NodeAffinity } from './plugins/node-affinity.js';
import { NodeName } from './plugins/node-name.js';
import { NodePorts } from './plugins/node-ports.js';
import { NodeResourcesFit } from './plugins/node-resources-fit.js';
import { NodeUnschedulable } from './plugins/node-unschedulable.js';
import { PodTopologySpread } from './plugins/pod-topology-spread.js';
import { TaintToleration } from './plugins/taint-toleration.js';

/** Builds a plugin for one profile. */
export type PluginFactory = (h: Handle) => Plugin;

/** Every in-tree plugin by name. */
export const registry: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  [NodeUnschedulable.pluginName, () => new NodeUnschedulable()],
  [NodeName.pluginName, () => new NodeName()],
  [TaintToleration.pluginName, () => new TaintToleration()],
  [NodeAffinity.pluginName, () => new NodeAffinity()],
  [NodePorts.pluginName, () => new NodePorts()],
  [NodeResourcesFit.pluginName, () => new NodeResourcesFit()],
  [PodTopologySpread.pluginName, (h) => new PodTopologySpread(h)],
  [InterPodAffinity.pluginName, (h) => new InterPodAffinity(h)],
  [DefaultPreemption.pluginName, (h) => new DefaultPreemption(h)],
  [BalancedAllocation.pluginName, () => new BalancedAllocation()],
  [ImageLocality.pluginName, (h) => new ImageLocality(h)],
]);

/** A plugin enabled by name, with its score weight. */
export interface PluginConfig {
  name: string;
  weight?: number;
}

/** kube-scheduler's default profile (v1 KubeSchedulerConfiguration defaults), in order. */
export const defaultPlugins: readonly PluginConfig[] = [
  { name: NodeUnschedulable.pluginName },
  { name: NodeName.pluginName },
  { name: TaintToleration.pluginName, weight: 3 },
  { name: NodeAffinity.pluginName, weight: 2 },
  { name: NodePorts.pluginName },
  { name: NodeResourcesFit.pluginName, weight: 1 },
  { name: PodTopologySpread.pluginName, weight: 2 },
  { name: InterPodAffinity.pluginName, weight: 2 },
  { name: DefaultPreemption.pluginName },
  { name: BalancedAllocation.pluginName, weight: 1 },
  { name: ImageLocality.pluginName, weight: 1 },
];

/** Instantiates `plugins` for `h`; an unknown or repeated name throws. */
export function buildPlugins(h: Handle, plugins: readonly PluginConfig[] = defaultPlugins): EnabledPlugin[] {
  const seen = new Set<string>();
  return plugins.map(({ name, weight }) => {
    const f = registry.get(name);
    if (!f) throw new Error(`scheduler plugin "${name}" does not exist`);
    if (seen.has(name)) throw new Error(`scheduler plugin "${name}" is enabled twice`);
    seen.add(name);
    return { plugin: f(h), weight };
  });
}
