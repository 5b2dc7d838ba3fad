/**
 * The one storage test suite every backend passes (SQLite, etcd, memory). Each backend's test file
 * calls {@link storeSuite} with a harness that opens a store on real infrastructure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStorageError, StorageError } from './errors.js';
import type { KeyValue, Store, Watch, WatchEvent } from './store.js';

export interface StoreHarness {
  /** Opens a store; tests close what they open. */
  open(opts?: { queueLimit?: number }): Promise<Store>;
  /**
   * True when a watcher that lags behind compaction must fail with Expired (log stores). etcd may
   * instead already hold the events in flight; it must then deliver them all, never a gap.
   */
  strictLagExpiry: boolean;
}

const v = (s: string) => Buffer.from(s);
let seq = 0;
/** A key prefix no other test (or earlier run against the same etcd) uses. */
const freshPrefix = () => `/registry/t${process.pid}x${Date.now().toString(36)}x${++seq}/`;

/** Reads batches until `n` events arrived (or the watch ended / failed / a safety timeout hit). */
export async function collect(w: Watch, n: number, timeoutMs = 20_000): Promise<{ events: WatchEvent[]; error?: unknown; timedOut?: boolean; ended?: boolean }> {
  const events: WatchEvent[] = [];
  const it = w[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  try {
    while (events.length < n) {
      const r = await Promise.race([it.next(), timeout]);
      if (r === 'timeout') return { events, timedOut: true };
      if (r.done) return { events, ended: true };
      events.push(...r.value);
    }
    return { events };
  } catch (error) {
    return { events, error };
  } finally {
    clearTimeout(timer);
  }
}

async function expectError(p: Promise<unknown>, code: StorageError['code']): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isStorageError(e, code), `expected StorageError ${code}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected StorageError ${code}, but it succeeded`);
}

const revs = (events: WatchEvent[]) => events.map((e) => e.kv.modRevision);

function assertStrictlyIncreasing(xs: number[], what: string): void {
  for (let i = 1; i < xs.length; i++) assert.ok((xs[i] ?? 0) > (xs[i - 1] ?? 0), `${what} not strictly increasing at ${i}: ${xs[i - 1]} then ${xs[i]}`);
}

export function storeSuite(name: string, h: StoreHarness): void {
  const withStore = async (fn: (s: Store, p: string) => Promise<void>, opts?: { queueLimit?: number }) => {
    const s = await h.open(opts);
    try {
      await fn(s, freshPrefix());
    } finally {
      await s.close();
    }
  };

  test(`${name}: create, get, update, delete, with typed conflicts`, () =>
    withStore(async (s, p) => {
      const a = await s.create(p + 'a', v('1'));
      assert.equal(a.createRevision, a.modRevision);
      assert.deepEqual((await s.get(p + 'a'))?.value, v('1'));
      assert.equal(await s.get(p + 'missing'), undefined);
      await expectError(s.create(p + 'a', v('again')), 'KeyExists');

      const a2 = await s.update(p + 'a', v('2'), a.modRevision);
      assert.ok(a2.modRevision > a.modRevision);
      assert.equal(a2.createRevision, a.createRevision);
      const stale = await expectError(s.update(p + 'a', v('3'), a.modRevision), 'Conflict');
      assert.equal(stale.current?.modRevision, a2.modRevision, 'a conflict carries the current version');
      assert.deepEqual(stale.current?.value, v('2'));
      await expectError(s.update(p + 'nope', v('x'), 1), 'NotFound');

      await expectError(s.delete(p + 'a', a.modRevision), 'Conflict');
      const d = await s.delete(p + 'a', a2.modRevision);
      assert.ok(d.revision > a2.modRevision);
      assert.deepEqual(d.prev.value, v('2'));
      assert.equal(await s.get(p + 'a'), undefined);
      await expectError(s.delete(p + 'a'), 'NotFound');

      const again = await s.create(p + 'a', v('new'));
      assert.ok(again.createRevision > d.revision, 'a recreated key has a new create revision');
      const unconditional = await s.delete(p + 'a');
      assert.deepEqual(unconditional.prev.value, v('new'));
    }));

  test(`${name}: revisions strictly increase across all keys`, () =>
    withStore(async (s, p) => {
      const seen: number[] = [await s.currentRevision()];
      for (let i = 0; i < 30; i++) {
        const kv = await s.create(`${p}k${i % 7}-${i}`, v(String(i)));
        seen.push(kv.modRevision);
        if (i % 3 === 0) seen.push((await s.update(kv.key, v('u'), kv.modRevision)).modRevision);
        if (i % 5 === 0) seen.push((await s.delete(kv.key)).revision);
      }
      assertStrictlyIncreasing(seen, 'revisions');
      assert.ok((await s.currentRevision()) >= (seen[seen.length - 1] ?? 0));
    }));

  test(`${name}: list by prefix, sorted, and as of an old revision`, () =>
    withStore(async (s, p) => {
      await s.create(p + 'b', v('b1'));
      await s.create(p + 'a', v('a1'));
      const c = await s.create(p + 'c', v('c1'));
      await s.create(p.slice(0, -1) + 'X/not-mine', v('other')); // shares the prefix without the slash
      const at = await s.currentRevision();
      await s.update(p + 'c', v('c2'), c.modRevision);
      await s.delete(p + 'a');
      await s.create(p + 'd', v('d1'));

      const now = await s.list(p);
      assert.deepEqual(now.kvs.map((kv) => kv.key), [p + 'b', p + 'c', p + 'd']);
      assert.deepEqual(now.kvs.map((kv) => kv.value.toString()), ['b1', 'c2', 'd1']);
      assert.equal(now.more, false);

      const old = await s.list(p, { revision: at });
      assert.equal(old.revision, at);
      assert.deepEqual(old.kvs.map((kv) => `${kv.key.slice(p.length)}=${kv.value.toString()}`), ['a=a1', 'b=b1', 'c=c1']);
      assert.deepEqual((await s.get(p + 'c', { revision: at }))?.value, v('c1'));
      assert.deepEqual((await s.get(p + 'a', { revision: at }))?.value, v('a1'));
      await expectError(s.list(p, { revision: (await s.currentRevision()) + 1000 }), 'FutureRevision');
    }));

  test(`${name}: limit and continue page through one consistent revision`, () =>
    withStore(async (s, p) => {
      for (let i = 0; i < 25; i++) await s.create(`${p}${String(i).padStart(3, '0')}`, v(String(i)));
      const first = await s.list(p, { limit: 10 });
      assert.equal(first.kvs.length, 10);
      assert.equal(first.more, true);
      assert.equal(first.remaining, 15);
      // Writes between pages must not show up in later pages of the same listing.
      await s.create(`${p}0005x`, v('late'));
      await s.delete(`${p}020`);
      const keys = first.kvs.map((kv) => kv.key);
      let page = first;
      while (page.more) {
        const last = page.kvs[page.kvs.length - 1];
        assert.ok(last);
        page = await s.list(p, { limit: 10, startAfter: last.key, revision: first.revision });
        assert.equal(page.revision, first.revision);
        keys.push(...page.kvs.map((kv) => kv.key));
      }
      assert.deepEqual(keys, Array.from({ length: 25 }, (_, i) => `${p}${String(i).padStart(3, '0')}`));
      assert.equal(page.remaining, 0);
    }));

  test(`${name}: a watch from any revision sees exactly the later events, in order`, () =>
    withStore(async (s, p) => {
      const start = await s.currentRevision();
      const written: Array<{ rev: number; type: 'put' | 'delete'; key: string }> = [];
      let kv: KeyValue = await s.create(p + 'x', v('0'));
      written.push({ rev: kv.modRevision, type: 'put', key: kv.key });
      for (let i = 1; i <= 12; i++) {
        kv = await s.update(p + 'x', v(String(i)), kv.modRevision);
        written.push({ rev: kv.modRevision, type: 'put', key: kv.key });
        if (i % 4 === 0) {
          const y = await s.create(`${p}y${i}`, v('y'));
          written.push({ rev: y.modRevision, type: 'put', key: y.key });
          const d = await s.delete(y.key);
          written.push({ rev: d.revision, type: 'delete', key: y.key });
        }
      }
      // Resume from every point in the history, including before it.
      for (const from of [start, ...written.map((w) => w.rev)]) {
        const want = written.filter((w) => w.rev > from);
        const w = s.watch(p, { afterRevision: from });
        const got = await collect(w, want.length, 10_000);
        w.close();
        assert.equal(got.error, undefined);
        assert.deepEqual(
          got.events.map((e) => ({ rev: e.kv.modRevision, type: e.type, key: e.kv.key })),
          want,
          `watch after revision ${from}`,
        );
      }
      // Puts carry the previous value; deletes carry the value that was deleted; nothing extra follows.
      const w = s.watch(p, { afterRevision: start });
      const all = (await collect(w, written.length)).events;
      const extra = await collect(w, 1, 300);
      w.close();
      assert.equal(extra.events.length, 0, 'no event beyond the writes made');
      const second = all[1];
      assert.equal(second?.type, 'put');
      assert.deepEqual(second?.kv.value, v('1'));
      assert.deepEqual(second?.prev?.value, v('0'));
      const del = all.find((e) => e.type === 'delete');
      assert.deepEqual(del?.kv.value, v('y'));
    }));

  test(`${name}: watches are filtered by prefix`, () =>
    withStore(async (s, p) => {
      const start = await s.currentRevision();
      const mine = s.watch(p + 'pods/', { afterRevision: start });
      await s.create(p + 'services/a', v('s'));
      await s.create(p + 'pods/a', v('p'));
      await s.create(p + 'podsX', v('not a pod'));
      await s.create(p + 'pods/b', v('p'));
      const got = await collect(mine, 2);
      mine.close();
      assert.deepEqual(got.events.map((e) => e.kv.key), [p + 'pods/a', p + 'pods/b']);
    }));

  test(`${name}: concurrent writers and watchers see every write once, in order`, () =>
    withStore(async (s, p) => {
      const start = await s.currentRevision();
      const early = [0, 1, 2].map(() => s.watch(p, { afterRevision: start }));
      const acked = new Set<number>();
      const keys = Array.from({ length: 6 }, (_, i) => `${p}shared${i}`);
      for (const k of keys) acked.add((await s.create(k, v('0'))).modRevision);
      let conflicts = 0;
      const writer = async (id: number) => {
        for (let i = 0; i < 40; i++) {
          const key = keys[(id + i) % keys.length] ?? '';
          // Optimistic read-modify-write, as the API server does.
          for (;;) {
            const cur = await s.get(key);
            assert.ok(cur);
            try {
              acked.add((await s.update(key, v(`${id}:${i}`), cur.modRevision)).modRevision);
              break;
            } catch (e) {
              if (!isStorageError(e, 'Conflict')) throw e;
              conflicts++;
            }
          }
          if (i % 10 === 0) {
            const own = await s.create(`${p}own${id}-${i}`, v('o'));
            acked.add(own.modRevision);
            acked.add((await s.delete(own.key, own.modRevision)).revision);
          }
        }
      };
      const late = new Promise<Watch>((resolve) => setTimeout(() => resolve(s.watch(p, { afterRevision: start })), 5));
      await Promise.all(Array.from({ length: 8 }, (_, id) => writer(id)));
      const want = [...acked].sort((a, b) => a - b);
      for (const w of [...early, await late]) {
        const got = await collect(w, want.length);
        w.close();
        assert.equal(got.error, undefined);
        assert.deepEqual(revs(got.events), want, 'every acknowledged write exactly once, in revision order');
      }
      assert.ok(conflicts > 0, 'the load produced real conflicts');
      // The final state equals the last write of each key.
      const final = await s.list(p);
      assert.equal(final.kvs.length, keys.length);
    }));

  test(`${name}: exactly one of racing creates and racing updates wins`, () =>
    withStore(async (s, p) => {
      const creates = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.create(p + 'race', v(String(i)))));
      assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of creates) if (r.status === 'rejected') assert.ok(isStorageError(r.reason, 'KeyExists'));
      const cur = await s.get(p + 'race');
      assert.ok(cur);
      const updates = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.update(p + 'race', v(`u${i}`), cur.modRevision)));
      assert.equal(updates.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of updates) if (r.status === 'rejected') assert.ok(isStorageError(r.reason, 'Conflict'));
    }));

  test(`${name}: compaction expires old revisions and keeps current data`, () =>
    withStore(async (s, p) => {
      const a = await s.create(p + 'a', v('1'));
      const b = await s.create(p + 'b', v('1'));
      const a2 = await s.update(p + 'a', v('2'), a.modRevision);
      await s.delete(p + 'b', b.modRevision);
      const c = await s.create(p + 'c', v('1'));
      const at = c.modRevision;
      await s.update(p + 'c', v('2'), c.modRevision);
      await s.compact(at);
      await s.compact(at); // compacting again is harmless
      assert.ok((await s.compactedRevision()) >= at);

      await expectError(s.list(p, { revision: a.modRevision }), 'Expired');
      await expectError(s.get(p + 'a', { revision: a.modRevision }), 'Expired');
      const listed = await s.list(p, { revision: at });
      assert.deepEqual(listed.kvs.map((kv) => `${kv.key.slice(p.length)}=${kv.value.toString()}`), ['a=2', 'c=1']);
      assert.deepEqual((await s.list(p)).kvs.map((kv) => kv.value.toString()), ['2', '2']);
      assert.equal((await s.get(p + 'a'))?.modRevision, a2.modRevision);

      const old = s.watch(p, { afterRevision: a.modRevision - 1 });
      const got = await collect(old, 1, 10_000);
      assert.ok(isStorageError(got.error, 'Expired'), `watching compacted history fails with Expired, got ${String(got.error)}`);
      assert.equal(got.events.length, 0);
      const fromCompaction = s.watch(p, { afterRevision: at });
      const later = await collect(fromCompaction, 1, 10_000);
      fromCompaction.close();
      assert.equal(later.error, undefined);
      assert.equal(later.events[0]?.kv.key, p + 'c');
    }));

  test(`${name}: the first revision a watch may start after is the compaction revision`, () =>
    withStore(async (s, p) => {
      await s.create(p + 'x', v('1'));
      const d = await s.delete(p + 'x');
      await s.create(p + 'y', v('1'));
      await s.compact(d.revision); // the delete is the compaction revision
      const before = s.watch(p, { afterRevision: d.revision - 1 });
      const refused = await collect(before, 1, 10_000);
      before.close();
      assert.ok(isStorageError(refused.error, 'Expired'), `a watch needing the compaction revision itself is refused, got ${String(refused.error)} with ${refused.events.length} events`);
      const at = s.watch(p, { afterRevision: d.revision });
      const ok = await collect(at, 1, 10_000);
      at.close();
      assert.equal(ok.error, undefined);
      assert.equal(ok.events[0]?.kv.key, p + 'y');
    }));

  test(`${name}: bad arguments are refused with InvalidArgument, alone`, () =>
    withStore(async (s, p) => {
      assert.throws(() => s.watch(p, { afterRevision: Number.NaN }), (e: unknown) => isStorageError(e, 'InvalidArgument'));
      const results = await Promise.allSettled([
        s.create(p + 'a', v('ok')),
        s.create(p + 'b', 'not bytes' as unknown as Buffer),
        s.create(p + 'c', v('ok')),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled'], 'one bad write does not fail the others');
      await expectError(s.update(p + 'missing', v('x'), 0), 'NotFound');
      const listed = await s.list(p + 'b', { startAfter: p + 'a' });
      assert.deepEqual(listed.kvs.map((kv) => kv.key), [], 'paging never leaves the prefix');
    }));

  test(`${name}: a re-created key's event has no previous value`, () =>
    withStore(async (s, p) => {
      const start = await s.currentRevision();
      await s.create(p + 'k', v('old'));
      await s.delete(p + 'k');
      await s.create(p + 'k', v('new'));
      const w = s.watch(p, { afterRevision: start });
      const got = await collect(w, 3);
      w.close();
      assert.equal(got.events[2]?.type, 'put');
      assert.equal(got.events[2]?.prev, undefined);
    }));

  test(`${name}: a slow watcher never blocks writers or other watchers, and loses nothing`, () =>
    withStore(
      async (s, p) => {
        const start = await s.currentRevision();
        const slow = s.watch(p, { afterRevision: start });
        const fast = s.watch(p, { afterRevision: start });
        const n = 600;
        const fastDone = collect(fast, n);
        for (let i = 0; i < n; i += 20) {
          await Promise.all(Array.from({ length: 20 }, (_, j) => s.create(`${p}${String(i + j).padStart(4, '0')}`, v('x'))));
        }
        const f = await fastDone;
        assert.equal(f.events.length, n, 'the fast watcher got everything while the slow one read nothing');
        assertStrictlyIncreasing(revs(f.events), 'fast watcher');
        const sl = await collect(slow, n);
        slow.close();
        fast.close();
        assert.equal(sl.error, undefined);
        assert.deepEqual(revs(sl.events), revs(f.events), 'the slow watcher caught up without loss');
      },
      { queueLimit: 50 },
    ));

  test(`${name}: a watcher that falls behind compaction gets an explicit Expired error`, () =>
    withStore(
      async (s, p) => {
        const start = await s.currentRevision();
        const slow = s.watch(p, { afterRevision: start });
        const n = 600;
        const payload = Buffer.alloc(2048, 'z');
        const written: number[] = [];
        for (let i = 0; i < n; i += 20) {
          const kvs = await Promise.all(Array.from({ length: 20 }, (_, j) => s.create(`${p}${String(i + j).padStart(4, '0')}`, payload)));
          written.push(...kvs.map((kv) => kv.modRevision));
        }
        written.sort((a, b) => a - b);
        // Supersede everything, then compact: the slow watcher's history is gone.
        for (const kv of (await s.list(p)).kvs) await s.delete(kv.key, kv.modRevision);
        await s.compact(await s.currentRevision());
        const got = await collect(slow, Number.MAX_SAFE_INTEGER, 10_000);
        slow.close();
        const gotRevs = revs(got.events);
        assert.deepEqual(gotRevs.slice(0, written.length), written.slice(0, gotRevs.length), 'what arrived is a gap-free prefix');
        if (h.strictLagExpiry || got.error !== undefined) {
          assert.ok(isStorageError(got.error, 'Expired'), `expected Expired, got ${String(got.error)} after ${got.events.length} events`);
          assert.ok(got.events.length < 2 * n, 'it did not receive the whole history');
        } else {
          assert.equal(got.events.length, 2 * n, 'without an error the watcher received the whole history');
        }
      },
      { queueLimit: 50 },
    ));

  test(`${name}: a watch ends on abort and on close`, () =>
    withStore(async (s, p) => {
      const ac = new AbortController();
      const w1 = s.watch(p, { afterRevision: await s.currentRevision(), signal: ac.signal });
      const w2 = s.watch(p, { afterRevision: await s.currentRevision() });
      const pending1 = collect(w1, 1, 10_000);
      const pending2 = collect(w2, 1, 10_000);
      setTimeout(() => {
        ac.abort();
        w2.close();
      }, 20);
      const [r1, r2] = await Promise.all([pending1, pending2]);
      assert.equal(r1.error, undefined);
      assert.equal(r2.error, undefined);
      assert.equal(r1.ended, true, 'abort ends the watch');
      assert.equal(r2.ended, true, 'close ends the watch');
      assert.equal(r1.events.length + r2.events.length, 0);
    }));
}

