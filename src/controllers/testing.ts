/**
 * A controller's test bench: a {@link ControllerContext} over a recording {@link FakeTransport},
 * a {@link FakeClock} and recorded Events. `seed` puts objects both in the fake API and in the
 * informer caches (the world the controller sees); tests then call `reconcile` and assert on
 * `transport.writes()`, the stored objects and `events`. Test-only.
 */
import type { ResourceDescriptor } from '../client/paths.js';
import { SharedInformers } from '../client/shared-informers.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import type { KubeObject } from '../client/types.js';
import type { Logger } from '../util/log.js';
import { defaultControllerSettings, type ControllerContext, type ControllerSettings } from './controller.js';

/** A recorded Event: `type reason message` plus the object it is about. */
export interface RecordedEvent {
  component: string;
  object: string;
  type: string;
  reason: string;
  message: string;
}

/** What a controller test works with. */
export interface TestBench {
  ctx: ControllerContext;
  transport: FakeTransport;
  clock: FakeClock;
  events: RecordedEvent[];
  /** Puts objects in the fake API and in the informer cache of `d`; returns the stored copies. */
  seed<T extends KubeObject>(d: ResourceDescriptor, ...objs: T[]): T[];
  /** Copies the fake API's current objects of `d` into its informer cache (after the controller wrote). */
  sync(d: ResourceDescriptor): void;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A fresh bench; `settings` override the defaults. */
export function newTestBench(settings: Partial<ControllerSettings> = {}, clock = new FakeClock()): TestBench {
  const transport = new FakeTransport({ clock });
  const informers = new SharedInformers({ transport, clock, logger: quiet });
  const events: RecordedEvent[] = [];
  const ctx: ControllerContext = {
    client: transport,
    informers,
    clock,
    logger: quiet,
    events: (component) => ({
      record: (obj, type, reason, message) => events.push({ component, object: `${obj.kind ?? ''}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? ''}`, type, reason, message }),
    }),
    settings: { ...defaultControllerSettings, ...settings },
  };
  const bench: TestBench = {
    ctx,
    transport,
    clock,
    events,
    seed: (d, ...objs) => {
      const stored = transport.seed(d, ...objs);
      for (const o of stored) informers.informer(d).store.upsert(o);
      return stored;
    },
    sync: (d) => {
      const store = informers.informer(d).store;
      for (const k of store.keys()) store.remove(k);
      for (const o of transport.objects(d)) store.upsert(o);
    },
  };
  return bench;
}

/** Writes as `verb resource[/sub] name` (a create: the name or generateName it sent); Events left out. */
export const objectWrites = (b: TestBench): string[] =>
  b.transport.actions
    .filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.resource !== 'events')
    .map((a) => {
      const meta = (a.body as { metadata?: { name?: string; generateName?: string } } | undefined)?.metadata;
      return `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.name ?? meta?.name ?? meta?.generateName ?? ''}`;
    });
