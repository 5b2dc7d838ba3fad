/**
 * ImageLocality (upstream plugins/imagelocality): prefers nodes that already hold the pod's
 * images, weighting each image by its size and by how many nodes share it (an image on every node
 * says little about this one). Scores 0 below 23 MB in total, 100 at 1000 MB per container.
 */
import type { CycleState, Handle, ScorePlugin } from '../framework/interface.js';
import { MAX_NODE_SCORE } from '../framework/framework.js';
import { normalizedImageName, type NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** Maps the summed image score to 0–100 for a pod with `containers` containers. */
export function imagePriority(sum: number, containers: number): number {
  const max = MAX_CONTAINER_THRESHOLD * containers;
  const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
  if (max === MIN_THRESHOLD) return 0;
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

export class ImageLocality implements ScorePlugin {
  static readonly pluginName = 'ImageLocality';
  readonly name = ImageLocality.pluginName;

  constructor(private readonly handle: Handle) {}

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.images.size === 0) return 0;
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    const total = this.handle.snapshot.nodes().length;
    let sum = 0;
    for (const c of containers) {
      if (!c.image) continue;
      const name = normalizedImageName(c.image);
      const size = node.images.get(name);
      if (size === undefined || total === 0) continue;
      sum += Math.trunc(size * (this.handle.snapshot.imageNodeCount(name) / total));
    }
    return imagePriority(sum, containers.length);
  }
}
