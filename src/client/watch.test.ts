import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGone } from '../api/errors.js';
import { decodeWatch, WatchExpiredError } from './watch.js';
import type { WatchEvent } from './types.js';

interface Cm {
  metadata: { name: string; resourceVersion?: string };
  data?: Record<string, string>;
}

async function* chunks(parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const p of parts) {
    await Promise.resolve();
    yield p;
  }
}

async function collect<T>(it: AsyncIterable<WatchEvent<T>>): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

const line = (type: string, object: unknown) => JSON.stringify({ type, object }) + '\n';

test('decodes events split at every byte, including inside multi-byte characters', async () => {
  const text = line('ADDED', { metadata: { name: 'a', resourceVersion: '5' }, data: { k: 'héllo ✓ 🚀' } }) + line('MODIFIED', { metadata: { name: 'a', resourceVersion: '6' } }) + line('DELETED', { metadata: { name: 'a' } });
  const bytes = Buffer.from(text, 'utf8');
  const parts = [...bytes].map((b) => Uint8Array.of(b));
  const events = await collect(decodeWatch<Cm>(chunks(parts)));
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  const first = events[0];
  assert.ok(first && first.type === 'ADDED');
  assert.equal(first.object.data?.['k'], 'héllo ✓ 🚀');
});

test('several events in one chunk, blank lines, and a last line without newline', async () => {
  const text = line('ADDED', { metadata: { name: 'a' } }) + '\n' + line('BOOKMARK', { metadata: { resourceVersion: '9' } }) + JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b' } } });
  const events = await collect(decodeWatch<Cm>(chunks([text])));
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'BOOKMARK', 'ADDED']);
});

test('ERROR 410 throws WatchExpiredError after earlier events; other ERRORs are yielded', async () => {
  const seen: string[] = [];
  const gone = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 };
  const boom = { ...gone, message: 'internal', reason: 'InternalError', code: 500 };
  await assert.rejects(
    (async () => {
      for await (const ev of decodeWatch<Cm>(chunks([line('ADDED', { metadata: { name: 'a' } }), line('ERROR', boom), line('ERROR', gone), line('ADDED', { metadata: { name: 'never' } })]))) seen.push(ev.type);
    })(),
    (e: unknown) => e instanceof WatchExpiredError && isGone(e) && e.code === 410 && /too old/.test(e.message),
  );
  assert.deepEqual(seen, ['ADDED', 'ERROR']);
});

test('malformed lines throw with the offending text', async () => {
  await assert.rejects(collect(decodeWatch(chunks(['{"type":"ADDED","object":{}}\n', 'not json\n']))), /undecodable event "not json"/);
  await assert.rejects(collect(decodeWatch(chunks(['{"type":"WHAT","object":{}}\n']))), /malformed event/);
});

test('abort ends the iteration quietly and destroys the source', async () => {
  const ac = new AbortController();
  let destroyed = false;
  let release: () => void = () => undefined;
  const source = {
    async *[Symbol.asyncIterator]() {
      yield line('ADDED', { metadata: { name: 'a' } });
      await new Promise<void>((r) => (release = r)); // a stream that stays open
    },
    destroy: () => {
      destroyed = true;
      release();
    },
  };
  const got: string[] = [];
  const done = (async () => {
    for await (const ev of decodeWatch<Cm>(source, ac.signal)) {
      got.push(ev.type);
      ac.abort();
    }
  })();
  await done;
  assert.deepEqual(got, ['ADDED']);
  assert.ok(destroyed);
});

test('an already-aborted signal yields nothing', async () => {
  const events = await collect(decodeWatch(chunks([line('ADDED', { metadata: { name: 'a' } })]), AbortSignal.abort()));
  assert.equal(events.length, 0);
});
