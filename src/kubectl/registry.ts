/**
 * Every kubectl verb, by name, in the groups `kubectl help` shows. Each loads its module only when
 * asked for, so `kubectl get` does not pay for `drain` (start-up time is the CLI's first cost).
 */
import type { Command } from './types.js';

/** One verb: the group it is listed under and how to load it. */
export interface VerbEntry {
  group: string;
  load: () => Promise<Command>;
}

export const groups = [
  'Basic Commands (Beginner)',
  'Basic Commands (Intermediate)',
  'Deploy Commands',
  'Cluster Management Commands',
  'Troubleshooting and Debugging Commands',
  'Advanced Commands',
  'Settings Commands',
  'Other Commands',
] as const;

const [beginner, intermediate, deploy, cluster, debug, advanced, settings, other] = groups;

export const verbs: Record<string, VerbEntry> = {
  create: { group: beginner, load: async () => (await import('./commands/create.js')).command },
  expose: { group: beginner, load: async () => (await import('./commands/expose.js')).command },
  run: { group: beginner, load: async () => (await import('./commands/run.js')).command },
  set: { group: beginner, load: async () => (await import('./commands/set.js')).command },
  explain: { group: intermediate, load: async () => (await import('./commands/explain.js')).command },
  get: { group: intermediate, load: async () => (await import('./commands/get.js')).command },
  edit: { group: intermediate, load: async () => (await import('./commands/edit.js')).command },
  delete: { group: intermediate, load: async () => (await import('./commands/delete.js')).command },
  rollout: { group: deploy, load: async () => (await import('./commands/rollout.js')).command },
  scale: { group: deploy, load: async () => (await import('./commands/scale.js')).command },
  autoscale: { group: deploy, load: async () => (await import('./commands/autoscale.js')).command },
  'rolling-update': { group: deploy, load: async () => (await import('./commands/rolling-update.js')).command },
  'cluster-info': { group: cluster, load: async () => (await import('./commands/cluster-info.js')).command },
  top: { group: cluster, load: async () => (await import('./commands/top.js')).command },
  cordon: { group: cluster, load: async () => (await import('./commands/cordon.js')).command },
  uncordon: { group: cluster, load: async () => (await import('./commands/cordon.js')).uncordon },
  drain: { group: cluster, load: async () => (await import('./commands/drain.js')).command },
  taint: { group: cluster, load: async () => (await import('./commands/taint.js')).command },
  describe: { group: debug, load: async () => (await import('./commands/describe.js')).command },
  logs: { group: debug, load: async () => (await import('./commands/logs.js')).command },
  attach: { group: debug, load: async () => (await import('./commands/attach.js')).command },
  exec: { group: debug, load: async () => (await import('./commands/exec.js')).command },
  'port-forward': { group: debug, load: async () => (await import('./commands/port-forward.js')).command },
  proxy: { group: debug, load: async () => (await import('./commands/proxy.js')).command },
  cp: { group: debug, load: async () => (await import('./commands/cp.js')).command },
  auth: { group: debug, load: async () => (await import('./commands/auth.js')).command },
  events: { group: debug, load: async () => (await import('./commands/events.js')).command },
  diff: { group: advanced, load: async () => (await import('./commands/diff.js')).command },
  apply: { group: advanced, load: async () => (await import('./commands/apply.js')).command },
  patch: { group: advanced, load: async () => (await import('./commands/patch.js')).command },
  replace: { group: advanced, load: async () => (await import('./commands/replace.js')).command },
  wait: { group: advanced, load: async () => (await import('./commands/wait.js')).command },
  label: { group: settings, load: async () => (await import('./commands/label.js')).command },
  annotate: { group: settings, load: async () => (await import('./commands/annotate.js')).command },
  completion: { group: settings, load: async () => (await import('./commands/completion.js')).command },
  'api-resources': { group: other, load: async () => (await import('./commands/api-resources.js')).command },
  'api-versions': { group: other, load: async () => (await import('./commands/api-versions.js')).command },
  config: { group: other, load: async () => (await import('./commands/config.js')).command },
  version: { group: other, load: async () => (await import('./commands/version.js')).command },
  /** What the completion scripts call on each TAB (cobra's protocol); hidden from help. */
  __complete: { group: other, load: async () => (await import('./commands/completion.js')).completeCommand },
};
