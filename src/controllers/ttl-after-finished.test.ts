import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../api/generated/batch/v1.js';
import { resources } from '../client/resources.js';
import { newTestBench } from './testing.js';
import { TtlAfterFinishedController } from './ttl-after-finished.js';

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function job(o: { ttl?: number; finished?: 'Complete' | 'Failed' | 'SuccessCriteriaMet'; at?: number; uid?: string }): Job {
  return {
    metadata: { name: 'pi', namespace: 'default', uid: o.uid ?? 'uid-1' },
    spec: { template: { spec: { containers: [] } }, ...(o.ttl !== undefined ? { ttlSecondsAfterFinished: o.ttl } : {}) },
    status: { conditions: o.finished ? [{ type: o.finished, status: 'True', lastTransitionTime: iso(o.at ?? T0) }] : [] },
  };
}

const cases: { name: string; cached: Job; fresh?: Job | null; now: number; writes: string[]; left?: number; deleteBody?: unknown }[] = [
  { name: 'no TTL: kept', cached: job({ finished: 'Complete' }), now: T0 + 3_600_000, writes: [] },
  { name: 'not finished: kept', cached: job({ ttl: 0 }), now: T0, writes: [] },
  { name: 'SuccessCriteriaMet alone is not finished', cached: job({ ttl: 0, finished: 'SuccessCriteriaMet' }), now: T0, writes: [] },
  { name: 'TTL not yet expired: look again when it does', cached: job({ ttl: 100, finished: 'Complete' }), now: T0 + 40_000, writes: [], left: 60_000 },
  {
    name: 'expired: deleted in the foreground, guarded by uid',
    cached: job({ ttl: 100, finished: 'Failed' }),
    now: T0 + 100_000,
    writes: ['delete jobs default/pi'],
    deleteBody: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', preconditions: { uid: 'uid-1' } },
  },
  { name: 'ttl 0 deletes at once', cached: job({ ttl: 0, finished: 'Complete' }), now: T0, writes: ['delete jobs default/pi'] },
  { name: 'the fresh Job has a longer TTL: requeue, no delete', cached: job({ ttl: 10, finished: 'Complete' }), fresh: job({ ttl: 600, finished: 'Complete' }), now: T0 + 60_000, writes: [], left: 540_000 },
  { name: 'the fresh Job has no TTL any more', cached: job({ ttl: 10, finished: 'Complete' }), fresh: job({ finished: 'Complete' }), now: T0 + 60_000, writes: [] },
  { name: 'the Job is already gone', cached: job({ ttl: 10, finished: 'Complete' }), fresh: null, now: T0 + 60_000, writes: [] },
  {
    name: 'recreated meanwhile (another uid, not finished): kept',
    cached: job({ ttl: 10, finished: 'Complete' }),
    fresh: job({ ttl: 10, uid: 'uid-2' }),
    now: T0 + 60_000,
    writes: [],
  },
];

test('TTL after finished', async () => {
  for (const c of cases) {
    const bench = newTestBench();
    bench.clock.advance(c.now - T0);
    const ctrl = new TtlAfterFinishedController(bench.ctx);
    bench.seed(resources.jobs, c.cached);
    if (c.fresh !== undefined) {
      bench.transport.clearActions();
      if (c.fresh === null) await bench.ctx.client.request({ method: 'DELETE', path: '/apis/batch/v1/namespaces/default/jobs/pi' });
      else bench.transport.seed(resources.jobs, c.fresh);
    }
    bench.transport.clearActions();
    const left = await ctrl.expire('default/pi');
    const writes = bench.transport.writes();
    assert.deepEqual(writes, c.writes, c.name);
    assert.equal(left, c.left, c.name);
    if (c.deleteBody) assert.deepEqual(bench.transport.actions.find((a) => a.verb === 'delete')?.body, c.deleteBody, c.name);
  }
});

test('a recreated Job with the same name but another uid is not deleted (the uid precondition)', async () => {
  const bench = newTestBench();
  const ctrl = new TtlAfterFinishedController(bench.ctx);
  bench.seed(resources.jobs, job({ ttl: 0, finished: 'Complete' }));
  // Between the fresh read and the delete another Job of the same name appears.
  bench.transport.prependReactor((a) => {
    if (a.verb === 'get') {
      const fresh = bench.transport.object<Job>(resources.jobs, 'default', 'pi');
      bench.transport.seed(resources.jobs, { ...job({ ttl: 0, finished: 'Complete', uid: 'uid-2' }) });
      return fresh;
    }
    return undefined;
  });
  await ctrl.expire('default/pi');
  assert.equal(bench.transport.object<Job>(resources.jobs, 'default', 'pi')?.metadata?.uid, 'uid-2');
});

test('a Job already being deleted is left to its deletion', async () => {
  const bench = newTestBench();
  const ctrl = new TtlAfterFinishedController(bench.ctx);
  const j = job({ ttl: 0, finished: 'Complete' });
  bench.seed(resources.jobs, { ...j, metadata: { ...j.metadata, deletionTimestamp: iso(T0), finalizers: ['foregroundDeletion'] } });
  bench.transport.clearActions();
  assert.equal(await ctrl.expire('default/pi'), undefined);
  assert.deepEqual(bench.transport.writes(), []);
});
