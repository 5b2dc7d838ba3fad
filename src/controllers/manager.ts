/**
 * The controller manager: starts the registered controllers that are enabled, over one set of
 * shared informers, while it holds the `kube-controller-manager` Lease. Names follow
 * kube-controller-manager's --controllers: `*` enables all, `-name` disables one.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../client/clock.js';
import { realClock } from '../client/clock.js';
import { EventRecorder } from '../client/events.js';
import { runLeading } from '../client/leader-run.js';
import { SharedInformers } from '../client/shared-informers.js';
import type { Transport } from '../client/types.js';
import { createLogger, type Logger } from '../util/log.js';
import { defaultControllerSettings, type ControllerContext, type ControllerDescriptor, type ControllerSettings, type EventSink } from './controller.js';

/** Options of {@link runControllerManager}. */
export interface ControllerManagerOptions {
  transport: Transport;
  descriptors: readonly ControllerDescriptor[];
  /** --controllers: default `['*']`. */
  enabled?: readonly string[];
  settings?: Partial<ControllerSettings>;
  /** Hold the kube-system/kube-controller-manager Lease while running (default true). */
  leaderElect?: boolean;
  /** The Lease identity (default: hostname and a random uuid). */
  identity?: string;
  clock?: Clock;
  logger?: Logger;
}

/** The descriptors `enabled` selects; an unknown or duplicate name is an error at start-up. */
export function selectControllers(descriptors: readonly ControllerDescriptor[], enabled: readonly string[] = ['*']): ControllerDescriptor[] {
  const names = new Set<string>();
  for (const d of descriptors) {
    if (names.has(d.name)) throw new Error(`controller ${d.name} is registered twice`);
    names.add(d.name);
  }
  for (const e of enabled) {
    const name = e.replace(/^-/, '');
    if (name !== '*' && !names.has(name)) throw new Error(`unknown controller "${name}" (known: ${[...names].join(', ')})`);
  }
  const all = enabled.includes('*');
  return descriptors.filter((d) => !enabled.includes(`-${d.name}`) && (all || enabled.includes(d.name)));
}

/** Runs the controllers until `signal` aborts; resolves once they and their informers have stopped. */
export async function runControllerManager(o: ControllerManagerOptions, signal: AbortSignal): Promise<void> {
  const logger = o.logger ?? createLogger('controller-manager');
  const clock = o.clock ?? realClock;
  const selected = selectControllers(o.descriptors, o.enabled);
  const run = async (leading: AbortSignal) => {
    // Every informer and worker loop listens on this signal: dozens of listeners are expected.
    setMaxListeners(0, leading);
    const informers = new SharedInformers({ transport: o.transport, clock, logger });
    const recorders: EventRecorder[] = [];
    const ctx: ControllerContext = {
      client: o.transport,
      informers,
      clock,
      logger,
      events: (component): EventSink => {
        const r = new EventRecorder({ client: o.transport, component, clock, logger });
        recorders.push(r);
        return r;
      },
      settings: { ...defaultControllerSettings, ...o.settings },
    };
    const controllers = selected.map((d) => ({ name: d.name, controller: d.create(ctx) }));
    informers.start(leading);
    logger.info('starting controllers', { controllers: controllers.map((c) => c.name).join(',') });
    await Promise.all(
      controllers.map(({ name, controller }) =>
        controller.run(leading).catch((e: unknown) => logger.error('controller failed', { controller: name, error: e instanceof Error ? (e.stack ?? e.message) : String(e) })),
      ),
    );
    await informers.stopped();
    await Promise.all(recorders.map((r) => r.flush()));
  };
  await runLeading({ transport: o.transport, lease: o.leaderElect === false ? undefined : 'kube-controller-manager', identity: o.identity, clock, logger }, run, signal);
}
