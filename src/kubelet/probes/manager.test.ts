import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod, Probe } from '../../api/generated/core/v1.js';
import type { Clock } from './clock.js';
import { ProbeManager } from './manager.js';
import type { ProbeKind, ProbeTarget } from './probe.js';
import type { ProbeResult } from './result.js';

/** A clock whose timers fire only when advance() says so. */
class FakeClock implements Clock {
  t = 1_000_000;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #seq = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => void this.#timers.delete(h as number);
  get pending() {
    return this.#timers.size;
  }
  /** Moves time forward, firing due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const due = [...this.#timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
    await new Promise((r) => setImmediate(r));
  }
}

const kindOf = (p: Probe): ProbeKind => (p.exec?.command?.[0] as ProbeKind | undefined) ?? 'liveness';
const probe = (kind: ProbeKind, extra: Partial<Probe> = {}): Probe => ({ exec: { command: [kind] }, periodSeconds: 10, ...extra });

function setup(c: Partial<Container>, script: Partial<Record<ProbeKind, ProbeResult['result'][]>> = {}) {
  const clock = new FakeClock();
  const runs: { kind: ProbeKind; at: number; containerId: string }[] = [];
  const changes: string[] = [];
  const kills: string[] = [];
  const events: string[] = [];
  const queues: Partial<Record<ProbeKind, ProbeResult['result'][]>> = { ...script };
  const run = (p: Probe, t: ProbeTarget): Promise<ProbeResult> => {
    const kind = kindOf(p);
    runs.push({ kind, at: clock.now(), containerId: t.containerId });
    const q = queues[kind] ?? [];
    const result = q.length > 1 ? (q.shift() ?? 'success') : (q[0] ?? 'success');
    return Promise.resolve({ result, output: `${kind}-${result}` });
  };
  const m = new ProbeManager({
    exec: () => Promise.reject(new Error('unused')),
    clock,
    run,
    onChange: (uid) => changes.push(uid),
    onLivenessFailure: (_pod, name, id, msg) => kills.push(`${name}/${id}: ${msg}`),
    onEvent: (_pod, reason, msg, name) => events.push(`${reason} ${name}: ${msg}`),
  });
  const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'app', ...c }] } };
  const start = (id = 'c1', running = true) => m.update(pod, '10.42.0.5', [{ name: 'app', containerId: id, running, startedAt: clock.now() }]);
  return { clock, m, pod, runs, changes, kills, events, start, queues };
}

test('no probes: ready and started while running', () => {
  const { m, start } = setup({});
  start();
  assert.equal(m.started('u1', 'app'), true);
  assert.equal(m.ready('u1', 'app'), true);
  start('c1', false);
  assert.equal(m.ready('u1', 'app'), false);
  assert.equal(m.started('u1', 'app'), false);
});

test('readiness: initial delay, success and failure thresholds', async () => {
  const { clock, m, runs, changes, events, start, queues } = setup(
    { readinessProbe: probe('readiness', { initialDelaySeconds: 5, successThreshold: 2, failureThreshold: 3 }) },
    { readiness: ['success'] },
  );
  start();
  assert.equal(m.ready('u1', 'app'), false, 'not ready before the first success');
  await clock.advance(4_999);
  assert.equal(runs.length, 0, 'nothing during the initial delay');
  await clock.advance(1);
  assert.equal(runs.length, 1);
  assert.equal(m.ready('u1', 'app'), false, 'one success is below successThreshold 2');
  await clock.advance(10_000);
  assert.equal(m.ready('u1', 'app'), true);
  assert.deepEqual(changes, ['u1']);
  queues.readiness = ['failure'];
  await clock.advance(20_000);
  assert.equal(m.ready('u1', 'app'), true, 'two failures are below failureThreshold 3');
  await clock.advance(10_000);
  assert.equal(m.ready('u1', 'app'), false);
  assert.deepEqual(changes, ['u1', 'u1']);
  assert.equal(events.filter((e) => e === 'Unhealthy app: Readiness probe failed: readiness-failure').length, 3);
  assert.deepEqual(runs.map((r) => r.at - runs[0]!.at), [0, 10_000, 20_000, 30_000, 40_000]);
});

test('liveness: one restart request per failure streak, probing resumes for the new container', async () => {
  const { clock, runs, kills, start, queues } = setup({ livenessProbe: probe('liveness', { failureThreshold: 2 }) }, { liveness: ['failure'] });
  start('c1');
  await clock.advance(0);
  await clock.advance(10_000);
  assert.deepEqual(kills, ['app/c1: Container app failed liveness probe, will be restarted']);
  const before = runs.length;
  await clock.advance(60_000);
  assert.equal(runs.length, before, 'on hold until a new container id');
  start('c1');
  await clock.advance(60_000);
  assert.equal(runs.length, before, 'the same id stays on hold');
  queues.liveness = ['failure', 'success'];
  start('c2');
  await clock.advance(0);
  assert.equal(runs.at(-1)?.containerId, 'c2');
  await clock.advance(30_000);
  assert.equal(kills.length, 1, 'a single failure (below threshold) then successes: no restart');
});

test('startup gates liveness and readiness; success starts them at once', async () => {
  const { clock, m, runs, changes, start } = setup(
    { startupProbe: probe('startup', { failureThreshold: 5 }), livenessProbe: probe('liveness'), readinessProbe: probe('readiness', { periodSeconds: 30 }) },
    { startup: ['failure', 'failure', 'success'] },
  );
  start();
  assert.equal(m.started('u1', 'app'), false);
  await clock.advance(0);
  await clock.advance(10_000);
  assert.deepEqual(runs.map((r) => r.kind), ['startup', 'startup']);
  assert.equal(m.ready('u1', 'app'), false);
  start(); // a status sync in between changes nothing
  await clock.advance(10_000);
  assert.equal(m.started('u1', 'app'), true);
  assert.deepEqual(changes, ['u1', 'u1'], 'started, then ready');
  assert.deepEqual(runs.map((r) => r.kind).slice(0, 5).sort(), ['liveness', 'readiness', 'startup', 'startup', 'startup']);
  assert.equal(m.ready('u1', 'app'), true, 'readiness ran right after startup');
  const startupRuns = runs.filter((r) => r.kind === 'startup').length;
  await clock.advance(60_000);
  assert.equal(runs.filter((r) => r.kind === 'startup').length, startupRuns, 'startup stops after success');
  assert.equal(runs.filter((r) => r.kind === 'readiness').length, 3);
  assert.equal(runs.filter((r) => r.kind === 'liveness').length, 7);
});

test('startup failure restarts the container', async () => {
  const { clock, kills, events, start } = setup({ startupProbe: probe('startup', { failureThreshold: 2 }) }, { startup: ['failure'] });
  start('c7');
  await clock.advance(10_000);
  assert.deepEqual(kills, ['app/c7: Container app failed startup probe, will be restarted']);
  assert.deepEqual(events, ['Unhealthy app: Startup probe failed: startup-failure', 'Unhealthy app: Startup probe failed: startup-failure']);
});

test('warnings count as success, errors change nothing', async () => {
  const { clock, m, events, start, queues } = setup({ readinessProbe: probe('readiness') }, { readiness: ['warning'] });
  start();
  await clock.advance(0);
  assert.equal(m.ready('u1', 'app'), true);
  assert.deepEqual(events, ['ProbeWarning app: Readiness probe warning: readiness-warning']);
  queues.readiness = ['unknown'];
  await clock.advance(10_000);
  assert.equal(m.ready('u1', 'app'), true, 'an errored probe is discarded');
  assert.equal(events.at(-1), 'Unhealthy app: Readiness probe errored and resulted in unknown state: readiness-unknown');
});

test('a stopped container is not ready; removePod and stop clear timers', async () => {
  const { clock, m, start, pod } = setup({ readinessProbe: probe('readiness'), livenessProbe: probe('liveness') });
  start();
  await clock.advance(0);
  assert.equal(m.ready('u1', 'app'), true);
  start('c1', false);
  assert.equal(m.ready('u1', 'app'), false);
  assert.equal(clock.pending, 0, 'no probing of a stopped container');
  start('c2');
  assert.equal(m.ready('u1', 'app'), false, 'a new container starts unready');
  assert.ok(clock.pending > 0);
  m.removePod('u1');
  assert.equal(clock.pending, 0);
  assert.equal(m.ready('u1', 'app'), true, 'unknown pods have no probes to wait for');
  m.update(pod, '10.42.0.5', [{ name: 'app', containerId: 'c3', running: true, startedAt: clock.now() }]);
  m.stop();
  assert.equal(clock.pending, 0);
  m.update(pod, '10.42.0.5', [{ name: 'app', containerId: 'c4', running: true, startedAt: clock.now() }]);
  assert.equal(clock.pending, 0, 'a stopped manager starts nothing');
});

test('a deleting pod keeps readiness but stops liveness and startup', async () => {
  const { clock, m, runs, pod } = setup({ readinessProbe: probe('readiness'), livenessProbe: probe('liveness') });
  const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  m.update(deleting, '10.42.0.5', [{ name: 'app', containerId: 'c1', running: true, startedAt: clock.now() }]);
  await clock.advance(20_000);
  assert.deepEqual([...new Set(runs.map((r) => r.kind))], ['readiness']);
});

test('exec probes through the real runner with a fake exec', async () => {
  const clock = new FakeClock();
  const cmds: string[][] = [];
  const m = new ProbeManager({
    clock,
    exec: (_id, cmd) => {
      cmds.push(cmd);
      return Promise.resolve({ exitCode: 0, output: '' });
    },
    onChange: () => undefined,
    onLivenessFailure: () => undefined,
    onEvent: () => undefined,
  });
  const pod: Pod = { metadata: { uid: 'u9' }, spec: { containers: [{ name: 'a', readinessProbe: { exec: { command: ['cat', '/tmp/ready'] } } }] } };
  m.update(pod, '10.0.0.1', [{ name: 'a', containerId: 'x', running: true, startedAt: clock.now() }]);
  await clock.advance(0);
  assert.deepEqual(cmds, [['cat', '/tmp/ready']]);
  assert.equal(m.ready('u9', 'a'), true);
  m.stop();
});
