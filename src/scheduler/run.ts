/**
 * The scheduler's entry point: under leader election on the Lease kube-system/kube-scheduler
 * (unless told not to), start the shared informers, an Event recorder and the scheduling loop;
 * stop them all when leadership is lost or `signal` aborts.
 */
import { setMaxListeners } from 'node:events';
import { realClock, type Clock } from '../client/clock.js';
import { EventRecorder } from '../client/events.js';
import { runLeading } from '../client/leader-run.js';
import { SharedInformers } from '../client/shared-informers.js';
import type { Transport } from '../client/types.js';
import { createLogger, type Logger } from '../util/log.js';
import { Scheduler } from './scheduler.js';

/** Options of {@link runScheduler}. */
export interface SchedulerOptions {
  transport: Transport;
  logger?: Logger;
  clock?: Clock;
  /** Default true: lead the Lease kube-system/kube-scheduler before scheduling. */
  leaderElect?: boolean;
  /** Default 'default-scheduler': schedule pods whose spec.schedulerName is this. */
  schedulerName?: string;
  /** The Lease holder identity (default `<hostname>_<uuid>`). */
  identity?: string;
  /** Bindings in flight at most (default 64). */
  maxBindingsInFlight?: number;
}

/** Runs the scheduler; resolves after `signal` aborts and everything it started has stopped. */
export async function runScheduler(o: SchedulerOptions, signal: AbortSignal): Promise<void> {
  const logger = o.logger ?? createLogger('scheduler');
  const clock = o.clock ?? realClock;
  const schedulerName = o.schedulerName ?? 'default-scheduler';
  const lease = o.leaderElect === false ? undefined : 'kube-scheduler';
  await runLeading({ transport: o.transport, lease, identity: o.identity, clock, logger }, async (leading) => {
    // Five informers (each with its watch and backoff waits), the queue and the loop all listen
    // on this signal: more than Node's default warning threshold of 10, and not a leak.
    setMaxListeners(64, leading);
    const informers = new SharedInformers({ transport: o.transport, clock, logger });
    const events = new EventRecorder({ client: o.transport, component: schedulerName, clock, logger });
    const scheduler = new Scheduler({ transport: o.transport, informers, clock, logger, events, schedulerName, maxBindingsInFlight: o.maxBindingsInFlight });
    informers.start(leading);
    logger.info('scheduler started', { schedulerName });
    try {
      await scheduler.run(leading);
    } finally {
      await informers.stopped();
      await events.flush();
      logger.info('scheduler stopped', { schedulerName });
    }
  }, signal);
}
