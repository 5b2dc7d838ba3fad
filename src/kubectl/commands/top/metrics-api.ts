/** What `top node` and `top pod` share: the flags, the checks and reading metrics.k8s.io/v1beta1. */
import { parseFieldSelector, parseLabelSelector } from '../../../api/selectors.js';
import type { Transport } from '../../../client/types.js';
import { CliError, UsageError } from '../../errors.js';
import type { CommandContext, FlagSpec } from '../../types.js';
import type { SortBy } from './printer.js';

/** The metrics group's path. */
export const METRICS_PATH = '/apis/metrics.k8s.io/v1beta1';

/** `--use-protocol-buffers` (accepted; we always read JSON). */
export const protobufFlagSpec: FlagSpec = { name: 'use-protocol-buffers', type: 'bool', default: true, help: 'Enables using protocol-buffers to access Metrics API.' };

/** The NAME argument, if any (more than one is a usage error naming the command's use line). */
export function nameArg(ctx: CommandContext, use: string): string {
  if (ctx.args.length > 1) throw new UsageError(use);
  return ctx.args[0] ?? '';
}

/** `--sort-by`, checked as kubectl checks it. */
export function sortByFlag(ctx: CommandContext): SortBy {
  const v = ctx.flags.string('sort-by');
  if (v !== '' && v !== 'cpu' && v !== 'memory') throw new CliError('--sort-by accepts only cpu or memory');
  return v;
}

/** A label selector in the canonical form kubectl sends ('' for everything). */
export function labelSelectorParam(text: string): string {
  if (text === '') return '';
  const r = parseLabelSelector(text);
  if (!r.ok) throw new CliError(r.error);
  return r.value.toString();
}

/** A field selector in the canonical form kubectl sends ('' for everything). */
export function fieldSelectorParam(text: string): string {
  if (text === '') return '';
  const r = parseFieldSelector(text);
  if (!r.ok) throw new CliError(r.error);
  return r.value.toString();
}

/** kubectl's check of the served groups: metrics.k8s.io must offer v1beta1. */
export async function requireMetricsApi(client: Transport): Promise<void> {
  const groups = await client.request<{ groups?: Array<{ name?: string; versions?: Array<{ version?: string }> }> }>({ method: 'GET', path: '/apis' });
  const served = (groups.groups ?? []).some((g) => g.name === 'metrics.k8s.io' && (g.versions ?? []).some((v) => v.version === 'v1beta1'));
  if (!served) throw new CliError('Metrics API not available');
}
