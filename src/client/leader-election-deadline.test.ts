import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElector } from './leader-election.js';
import { FakeClock, flush, until } from './testing/fake-clock.js';
import { FakeTransport } from './testing/fake-transport.js';
import type { RestRequest, Transport } from './types.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A struggling API server: once `slow` is set, a Lease get answers after 9 s and a Lease update
 * hangs until its timeout (time passes on the fake clock inside the call).
 */
function slowServer(clock: FakeClock) {
  const inner = new FakeTransport({ clock });
  const s = { slow: false };
  const transport: Transport = {
    namespace: inner.namespace,
    request<T>(req: RestRequest): Promise<T> {
      if (s.slow && req.path.includes('/leases/')) {
        if (req.method === 'GET') clock.advance(9_000);
        else {
          clock.advance(req.timeoutMs ?? 60_000);
          return Promise.reject(new Error('context deadline exceeded'));
        }
      }
      return inner.request<T>(req);
    },
    stream: (req) => inner.stream(req),
  };
  return { transport, s };
}

// Others take the Lease leaseDuration after its last renewal: the leader must have stopped by then.
test('a leader whose renewals hang steps down within renewDeadline, before the lease expires for others', async () => {
  const clock = new FakeClock();
  const { transport, s } = slowServer(clock);
  let leading: AbortSignal | undefined;
  let stoppedAt: number | undefined;
  const ac = new AbortController();
  const elector = new LeaderElector({
    client: transport,
    namespace: 'kube-system',
    name: 'kube-controller-manager',
    identity: 'a',
    clock,
    logger: quiet,
    onStartedLeading: (signal) => {
      leading = signal;
      signal.addEventListener('abort', () => (stoppedAt = clock.now()), { once: true });
    },
  });
  const run = elector.run(ac.signal);
  await until(() => leading !== undefined);
  const lastRenewal = clock.now();
  s.slow = true;
  for (let i = 0; i < 40 && stoppedAt === undefined; i++) {
    clock.advance(500);
    await flush();
  }
  ac.abort();
  await run;
  assert.ok(stoppedAt !== undefined, 'the leader never stepped down');
  assert.ok(stoppedAt - lastRenewal <= 2_000 + 10_000, `stepped down ${stoppedAt - lastRenewal} ms after the last renewal (retry 2 s + renewDeadline 10 s, lease 15 s)`);
});
