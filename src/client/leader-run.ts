/**
 * Runs work only while this process leads a Lease (what kube-controller-manager and kube-scheduler
 * do with --leader-elect): campaign, lead, and when leadership is lost stop the work and campaign
 * again, until `signal` aborts. With election off, the work simply runs.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import { LeaderElector } from './leader-election.js';
import type { Transport } from './types.js';

/** Options of {@link runLeading}. */
export interface LeadingOptions {
  transport: Transport;
  /** The Lease in kube-system, e.g. `kube-controller-manager`; absent: no election. */
  lease?: string;
  /** Default: `<hostname>_<random uuid>`, as upstream. */
  identity?: string;
  clock?: Clock;
  logger: Logger;
  /** Election timings (defaults 15 s / 10 s / 2 s as upstream). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

/** Runs `work` while leading; resolves when `signal` aborts and the work has stopped. */
export async function runLeading(o: LeadingOptions, work: (signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
  if (!o.lease) return work(signal);
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  while (!signal.aborted) {
    const elector = new LeaderElector({
      client: o.transport,
      namespace: 'kube-system',
      name: o.lease,
      identity,
      clock: o.clock,
      logger: o.logger,
      leaseDurationMs: o.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs,
      onStartedLeading: async (leading) => {
        o.logger.info('became leader', { lease: `kube-system/${o.lease ?? ''}`, identity });
        await work(leading);
      },
      onStoppedLeading: () => o.logger.info('stopped leading', { lease: `kube-system/${o.lease ?? ''}`, identity }),
    });
    await elector.run(signal);
  }
}
