import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lease } from '../api/generated/coordination/v1.js';
import { leasesResource } from './leader-election.js';
import { runLeading } from './leader-run.js';
import { RestClient } from './rest.js';
import { startFakeApiServer } from './testing/fake-apiserver.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('work that ends while leading gives the Lease up and campaigns again; abort ends it for good', { timeout: 10_000 }, async () => {
  const fake = await startFakeApiServer();
  const client = new RestClient({ server: fake.url }, { qps: 0 });
  const ac = new AbortController();
  const holders: (string | undefined)[] = [];
  let terms = 0;
  const done = runLeading(
    { transport: client, lease: 'lr', identity: 'me', logger: quiet, leaseDurationMs: 1000, renewDeadlineMs: 500, retryPeriodMs: 50 },
    async (leading) => {
      terms++;
      if (terms === 1) return; // ends on its own: a broken term
      const lease = await client.resource<Lease>(leasesResource).get('lr', { namespace: 'kube-system' });
      holders.push(lease.spec?.holderIdentity);
      ac.abort();
      await new Promise<void>((r) => (leading.aborted ? r() : leading.addEventListener('abort', () => r(), { once: true })));
    },
    ac.signal,
  );
  await done;
  assert.equal(terms, 2, 'a second term after the first ended by itself');
  assert.deepEqual(holders, ['me']);
  const lease = await client.resource<Lease>(leasesResource).get('lr', { namespace: 'kube-system' });
  assert.equal(lease.spec?.holderIdentity ?? '', '', 'released on the way out');
  client.close();
  await fake.close();
});

test('without a lease name the work simply runs', async () => {
  let ran = false;
  await runLeading({ transport: undefined as never, logger: quiet }, () => Promise.resolve(void (ran = true)), new AbortController().signal);
  assert.equal(ran, true);
});
