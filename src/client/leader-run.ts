/**
 * Runs work only while this process leads a Lease (what kube-controller-manager and kube-scheduler
 * do with --leader-elect): campaign, lead, and when leadership is lost stop the work and campaign
 * again, until `signal` aborts. With election off, the work simply runs.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../util/log.js';
import { realClock, sleep, type Clock } from './clock.js';
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
    // Work that ends on its own while still leading must not keep the Lease from a standby: stop
    // this term (releasing the Lease), wait a retry period, and campaign again.
    const term = new AbortController();
    const endTerm = () => term.abort();
    signal.addEventListener('abort', endTerm, { once: true });
    let ended = false;
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
        try {
          await work(leading);
        } finally {
          if (!leading.aborted) {
            o.logger.error('work stopped while leading; giving up the lease', { lease: `kube-system/${o.lease ?? ''}`, identity });
            ended = true;
            term.abort();
          }
        }
      },
      onStoppedLeading: () => o.logger.info('stopped leading', { lease: `kube-system/${o.lease ?? ''}`, identity }),
    });
    await elector.run(term.signal);
    signal.removeEventListener('abort', endTerm);
    if (ended) await sleep(o.clock ?? realClock, o.retryPeriodMs ?? 2_000, signal);
  }
}
