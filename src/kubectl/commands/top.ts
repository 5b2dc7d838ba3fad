/** `kubectl top node|pod`: resource usage from the metrics API (metrics.k8s.io). */
import type { Command } from '../types.js';
import { node } from './top/node.js';
import { pod } from './top/pod.js';

export const command: Command = {
  name: 'top',
  short: 'Display resource (CPU/memory) usage',
  long: `Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.`,
  usage: 'kubectl top [flags]',
  subcommands: [node, pod],
};
