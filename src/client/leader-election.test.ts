import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from '../api/generated/coordination/v1.js';
import { LeaderElector, leasesResource } from './leader-election.js';
import { RestClient } from './rest.js';
import { FakeClock, flush, until } from './testing/fake-clock.js';
import { fakeOrSkip, serverFactory, uniqueName, type ServerUnderTest } from './testing/harness.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Candidate {
  elector: LeaderElector;
  client: RestClient;
  started: number[];
  stopped: number[];
  leaderSignal?: AbortSignal;
  ac: AbortController;
  run?: Promise<void>;
}

function candidate(sut: ServerUnderTest, clock: FakeClock, identity: string, lease: string): Candidate {
  const client = new RestClient(sut.config, { qps: 0, userAgent: identity });
  const c: Candidate = { client, started: [], stopped: [], ac: new AbortController(), elector: undefined as unknown as LeaderElector };
  c.elector = new LeaderElector({
    client,
    namespace: sut.namespace,
    name: lease,
    identity,
    clock,
    logger: quiet,
    onStartedLeading: (signal) => {
      c.started.push(clock.now());
      c.leaderSignal = signal;
    },
    onStoppedLeading: () => c.stopped.push(clock.now()),
  });
  return c;
}

async function withElection(fn: (sut: ServerUnderTest, clock: FakeClock, mk: (id: string) => Candidate, lease: string) => Promise<void>, sut?: ServerUnderTest): Promise<void> {
  const s = sut ?? (await serverFactory()());
  const clock = new FakeClock();
  const lease = uniqueName('lease');
  const made: Candidate[] = [];
  const mk = (id: string) => {
    const c = candidate(s, clock, id, lease);
    made.push(c);
    return c;
  };
  try {
    await fn(s, clock, mk, lease);
  } finally {
    for (const c of made) c.ac.abort();
    await Promise.all(made.map((c) => c.run ?? Promise.resolve()));
    const admin = new RestClient(s.config, { qps: 0 });
    await admin.resource(leasesResource).delete(lease, { namespace: s.namespace }).catch(() => undefined);
    admin.close();
    for (const c of made) c.client.close();
    await s.close();
  }
}

/** Advances the fake clock, then waits until `sleepers` loops are asleep on it again. */
async function tick(clock: FakeClock, ms: number, sleepers: () => number): Promise<void> {
  clock.advance(ms);
  await until(() => clock.pending === sleepers(), 3000, `${sleepers()} sleepers`);
  await flush(2);
}

test('one leader renews; a release on cancel hands over at the next retry', () =>
  withElection(async (sut, clock, mk, leaseName) => {
    const leases = new RestClient(sut.config, { qps: 0 }).resource<Lease>(leasesResource);
    const a = mk('A');
    const b = mk('B');
    a.run = a.elector.run(a.ac.signal);
    await until(() => a.elector.isLeader(), 3000, 'A to lead');
    assert.deepEqual(a.started, [clock.now()]);
    b.run = b.elector.run(b.ac.signal);
    await until(() => clock.pending === 2, 3000, 'both asleep');
    assert.equal(b.elector.leader(), 'A');
    for (let i = 0; i < 10; i++) await tick(clock, 2000, () => 2);
    assert.equal(b.elector.isLeader(), false, 'B never steals a lease A keeps renewing');
    let lease = await leases.get(leaseName, { namespace: sut.namespace });
    assert.equal(lease.spec?.holderIdentity, 'A');
    assert.equal(lease.spec?.leaseDurationSeconds, 15);
    assert.equal(Date.parse(lease.spec?.renewTime ?? ''), clock.now(), 'renewed at the last tick');
    assert.match(lease.spec?.renewTime ?? '', /\.\d{6}Z$/, 'MicroTime');

    a.ac.abort();
    await a.run;
    assert.equal(a.leaderSignal?.aborted, true);
    assert.equal(a.stopped.length, 1);
    lease = await leases.get(leaseName, { namespace: sut.namespace });
    assert.equal(lease.spec?.holderIdentity, undefined, 'released');
    await tick(clock, 2000, () => 1);
    assert.ok(b.elector.isLeader(), 'B takes over at its next retry, without waiting out 15 s');
    lease = await leases.get(leaseName, { namespace: sut.namespace });
    assert.equal(lease.spec?.holderIdentity, 'B');
    assert.equal(lease.spec?.leaseTransitions, 1);
    (leases.transport as RestClient).close();
  }));

test('a leader that cannot renew steps down at renewDeadline; the next one waits out leaseDuration', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await withElection(async (_sut, clock, mk) => {
    const a = mk('A');
    const b = mk('B');
    const t0 = clock.now();
    a.run = a.elector.run(a.ac.signal);
    await until(() => a.elector.isLeader(), 3000, 'A to lead');
    b.run = b.elector.run(b.ac.signal);
    await until(() => clock.pending === 2, 3000, 'both asleep');
    fake.intercept = (r) => (r.headers['user-agent'] === 'A' ? { code: 500, text: 'partitioned' } : undefined);
    let aDone = false;
    void a.run.then(() => (aDone = true));
    let bLeadAt: number | undefined;
    for (let i = 0; i < 12 && bLeadAt === undefined; i++) {
      clock.advance(2000);
      await flush(5);
      await until(() => clock.pending === (aDone ? 1 : 2), 3000, 'sleepers');
      await flush(5);
      if (b.elector.isLeader()) bLeadAt = clock.now() - t0;
    }
    assert.deepEqual(a.stopped.map((x) => x - t0), [12_000], 'A steps down 10 s after its failing round began at 2 s');
    assert.equal(a.leaderSignal?.aborted, true);
    assert.equal(bLeadAt, 16_000, 'B waits 15 s past the last renewal it saw (at 0 s)');
  }, sut);
});

test('two candidates racing for a fresh lease: exactly one wins', () =>
  withElection(async (_sut, clock, mk) => {
    const a = mk('A');
    const b = mk('B');
    a.run = a.elector.run(a.ac.signal);
    b.run = b.elector.run(b.ac.signal);
    await until(() => clock.pending === 2, 3000, 'both asleep');
    assert.equal(Number(a.elector.isLeader()) + Number(b.elector.isLeader()), 1);
    for (let i = 0; i < 5; i++) await tick(clock, 2000, () => 2);
    assert.equal(Number(a.elector.isLeader()) + Number(b.elector.isLeader()), 1);
  }));
