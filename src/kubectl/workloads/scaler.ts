/**
 * kubectl's scaler (k8s.io/kubectl/pkg/scale): set the replicas of anything with a `scale`
 * subresource, either blindly (a merge PATCH of the Scale) or under preconditions (GET the Scale,
 * check the current size and resourceVersion, PUT it back), retrying conflicts; then, when asked,
 * wait until the status reports the new size.
 */
import { isConflict } from '../../api/errors.js';
import { resourcePath } from '../../client/paths.js';
import { CliError } from '../errors.js';
import type { Factory, ResourceMapping } from '../types.js';

/** The parts of an autoscaling/v1 Scale the scaler reads. */
interface Scale {
  metadata?: { resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

/** `--current-replicas` (-1: none) and `--resource-version` ('' : none). */
export interface ScalePrecondition {
  size: number;
  resourceVersion: string;
}

/** What to scale and how. */
export interface ScaleRequest {
  mapping: ResourceMapping;
  namespace: string;
  name: string;
  replicas: number;
  precondition?: ScalePrecondition;
  dryRun?: boolean;
  /** Keep retrying conflicts this long (kubectl: 5 minutes, every second). */
  retryTimeoutMs?: number;
  /** Then wait this long for status.replicas to match (0: do not wait). */
  waitTimeoutMs?: number;
  /** Poll interval for retries and the wait (kubectl: 1 s). */
  intervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function checkPrecondition(p: ScalePrecondition, scale: Scale): void {
  const size = scale.spec?.replicas ?? 0;
  if (p.size !== -1 && size !== p.size) throw new CliError(`Expected replicas to be ${p.size}, was ${size}`);
  const rv = scale.metadata?.resourceVersion ?? '';
  if (p.resourceVersion !== '' && rv !== p.resourceVersion) throw new CliError(`Expected resource version to be ${p.resourceVersion}, was ${rv}`);
}

/** One attempt (kubectl's ScaleSimple). */
async function scaleOnce(f: Factory, r: ScaleRequest): Promise<void> {
  const path = resourcePath(r.mapping, { namespace: r.namespace || undefined, name: r.name, subresource: 'scale' });
  const query = { dryRun: r.dryRun ? 'All' : undefined };
  if (r.precondition) {
    const scale = await f.client().request<Scale & Record<string, unknown>>({ method: 'GET', path });
    checkPrecondition(r.precondition, scale);
    const body = { ...scale, spec: { ...scale.spec, replicas: r.replicas } };
    await f.client().request({ method: 'PUT', path, query, body });
    return;
  }
  await f.client().request({ method: 'PATCH', path, query, body: { spec: { replicas: r.replicas } }, contentType: 'application/merge-patch+json' });
}

/** Scales, retrying only conflicts, then optionally waits for the new size. */
export async function scale(f: Factory, r: ScaleRequest): Promise<void> {
  const interval = r.intervalMs ?? 1000;
  const deadline = Date.now() + (r.retryTimeoutMs ?? 0);
  for (;;) {
    try {
      await scaleOnce(f, r);
      break;
    } catch (e) {
      if (!isConflict(e) || Date.now() >= deadline) throw e;
      await sleep(interval);
    }
  }
  if (r.waitTimeoutMs && r.waitTimeoutMs > 0) await waitForReplicas(f, r, r.waitTimeoutMs, interval);
}

/** kubectl's WaitForScaleHasDesiredReplicas: until spec == status == desired (or someone changed spec). */
async function waitForReplicas(f: Factory, r: ScaleRequest, timeoutMs: number, interval: number): Promise<void> {
  const path = resourcePath(r.mapping, { namespace: r.namespace || undefined, name: r.name, subresource: 'scale' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await f.client().request<Scale>({ method: 'GET', path });
    const spec = s.spec?.replicas ?? 0;
    if (spec !== r.replicas) return;
    if (spec === (s.status?.replicas ?? 0)) return;
    if (Date.now() + interval > deadline) throw new CliError(`timed out waiting for "${r.name}" to be synced`);
    await sleep(interval);
  }
}
