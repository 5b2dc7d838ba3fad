/** `kubectl create poddisruptionbudget NAME --selector=SEL (--min-available=N | --max-unavailable=N)`. */
import { parseLabelSelector } from '../../../api/selectors.js';
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';

/** metav1.ParseToLabelSelector: `=`/`==` become matchLabels, set operators matchExpressions. */
export function toLabelSelector(text: string): Record<string, unknown> {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new CliError(parsed.error);
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Array<Record<string, unknown>> = [];
  const ops: Record<string, string> = { in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' };
  for (const r of parsed.value.requirements) {
    if (r.operator === '=' || r.operator === '==') {
      matchLabels[r.key] = r.values[0] ?? '';
      continue;
    }
    if (r.operator === 'gt' || r.operator === 'lt') throw new CliError(`"${r.operator}" isn't supported in label selectors`);
    const op = ops[r.operator];
    if (!op) throw new CliError(`"${r.operator}" is not a valid label selector operator`);
    matchExpressions.push({ key: r.key, operator: op, values: r.values.length ? [...r.values].sort() : undefined });
  }
  return {
    matchLabels: Object.keys(matchLabels).length ? Object.fromEntries(Object.entries(matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : undefined,
    matchExpressions: matchExpressions.length ? matchExpressions : undefined,
  };
}

/** intstr.Parse: digits are an int, anything else a string. */
const intOrString = (s: string): number | string => (/^[0-9]+$/.test(s) && Number(s) <= 2147483647 ? Number(s) : s);

export const poddisruptionbudget: Command = {
  name: 'poddisruptionbudget',
  aliases: ['pdb'],
  short: 'Create a pod disruption budget with the specified name',
  long: 'Create a pod disruption budget with the specified name, selector, and desired minimum available pods.',
  usage: 'kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N [--dry-run=server|client|none]',
  examples: `  # Create a pod disruption budget named my-pdb that will select all pods with the app=rails label
  # and require at least one of them being available at any point in time
  kubectl create poddisruptionbudget my-pdb --selector=app=rails --min-available=1

  # Create a pod disruption budget named my-pdb that will select all pods with the app=nginx label
  # and require at least half of the pods selected to be available at any point in time
  kubectl create pdb my-pdb --selector=app=nginx --min-available=50%`,
  flags: generatorFlags([
    { name: 'min-available', type: 'string', default: '', help: 'The minimum number or percentage of available pods this budget requires.' },
    { name: 'max-unavailable', type: 'string', default: '', help: 'The maximum number or percentage of unavailable pods this budget requires.' },
    { name: 'selector', type: 'string', default: '', help: 'A label selector to use for this budget. Only equality-based selector requirements are supported.' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const min = ctx.flags.string('min-available');
    const max = ctx.flags.string('max-unavailable');
    const sel = ctx.flags.string('selector');
    if (sel === '') throw new CliError('a selector must be specified');
    if (max === '' && min === '') throw new CliError('one of min-available or max-unavailable must be specified');
    if (max !== '' && min !== '') throw new CliError('min-available and max-unavailable cannot be both specified');
    if (min !== '' && !/^[0-9]+%?$/.test(min)) throw new CliError('invalid format specified for min-available');
    if (max !== '' && !/^[0-9]+%?$/.test(max)) throw new CliError('invalid format specified for max-unavailable');
    const obj = {
      kind: 'PodDisruptionBudget',
      apiVersion: 'policy/v1',
      metadata: { name, creationTimestamp: null },
      spec: { minAvailable: min !== '' ? intOrString(min) : undefined, selector: toLabelSelector(sel), maxUnavailable: max !== '' ? intOrString(max) : undefined },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    };
    await createGenerated(ctx, obj, { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true, errorPrefix: 'failed to create poddisruptionbudgets: ' });
  },
};
