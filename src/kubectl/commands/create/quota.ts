/** `kubectl create quota NAME [--hard=key=quantity,…] [--scopes=Scope,…]` and `kubectl create priorityclass NAME --value=N`. */
import { tryParseQuantity, QuantityParseError } from '../../../api/quantity.js';
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';

/** `cpu=1,memory=1Gi` → a ResourceList with canonical quantities and sorted keys (a Go map). */
export function parseResourceList(spec: string): Record<string, string> | undefined {
  if (spec === '') return undefined;
  const out: Record<string, string> = {};
  for (const statement of spec.split(',')) {
    const parts = statement.split('=');
    if (parts.length !== 2) throw new CliError(`Invalid argument syntax ${statement}, expected <resource>=<value>`);
    const q = tryParseQuantity(parts[1] ?? '');
    if (q instanceof QuantityParseError) throw new CliError(q.message);
    out[parts[0] ?? ''] = q.toString();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `BestEffort,NotTerminating` → scopes; an empty scope is an error. */
export function parseScopes(spec: string): string[] | undefined {
  if (spec === '') return undefined;
  const scopes = spec.split(',');
  if (scopes.includes('')) throw new CliError('invalid resource quota scope ""');
  return scopes;
}

export const quota: Command = {
  name: 'quota',
  aliases: ['resourcequota'],
  short: 'Create a quota with the specified name',
  long: 'Create a resource quota with the specified name, hard limits, and optional scopes.',
  usage: 'kubectl create quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2] [--dry-run=server|client|none]',
  examples: `  # Create a new resource quota named my-quota
  kubectl create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,persistentvolumeclaims=10

  # Create a new resource quota named best-effort
  kubectl create quota best-effort --hard=pods=100 --scopes=BestEffort`,
  flags: generatorFlags([
    { name: 'hard', type: 'string', default: '', help: 'A comma-delimited set of resource=quantity pairs that define a hard limit.' },
    { name: 'scopes', type: 'string', default: '', help: 'A comma-delimited set of quota scopes that must all match each object tracked by the quota.' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const hard = parseResourceList(ctx.flags.string('hard'));
    const scopes = parseScopes(ctx.flags.string('scopes'));
    const obj = { kind: 'ResourceQuota', apiVersion: 'v1', metadata: { name, creationTimestamp: null }, spec: { hard, scopes }, status: {} };
    await createGenerated(ctx, obj, { group: '', version: 'v1', resource: 'resourcequotas', namespaced: true, errorPrefix: 'failed to create quota: ' });
  },
};

export const priorityclass: Command = {
  name: 'priorityclass',
  aliases: ['pc'],
  short: 'Create a priority class with the specified name',
  long: 'Create a priority class with the specified name, value, globalDefault and description.',
  usage: 'kubectl create priorityclass NAME --value=VALUE --global-default=BOOL [--dry-run=server|client|none]',
  examples: `  # Create a priority class named high-priority
  kubectl create priorityclass high-priority --value=1000 --description="high priority"

  # Create a priority class named default-priority that is considered as the global default priority
  kubectl create priorityclass default-priority --value=1000 --global-default=true --description="default priority"

  # Create a priority class named high-priority that cannot preempt pods with lower priority
  kubectl create priorityclass high-priority --value=1000 --description="high priority" --preemption-policy="Never"`,
  flags: generatorFlags([
    { name: 'value', type: 'int', default: 0, help: 'the value of this priority class.' },
    { name: 'global-default', type: 'bool', default: false, help: 'global-default specifies whether this PriorityClass should be considered as the default priority.' },
    { name: 'description', type: 'string', default: '', help: 'description is an arbitrary string that usually provides guidelines on when this priority class should be used.' },
    { name: 'preemption-policy', type: 'string', default: 'PreemptLowerPriority', help: 'preemption-policy is the policy for preempting pods with lower priority.' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const obj = {
      kind: 'PriorityClass',
      apiVersion: 'scheduling.k8s.io/v1',
      metadata: { name, creationTimestamp: null },
      value: ctx.flags.int('value'),
      globalDefault: ctx.flags.bool('global-default') || undefined,
      description: ctx.flags.string('description') || undefined,
      preemptionPolicy: ctx.flags.string('preemption-policy'),
    };
    await createGenerated(ctx, obj, { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false, errorPrefix: 'failed to create priorityclass: ' });
  },
};
