/**
 * Crash-consistency checking shared by the SQLite and etcd crash tests: writers that each own a key
 * and bump a counter in it, reporting every acknowledged write, and a check that a reopened store
 * holds every acknowledged write (at most one unacknowledged write more per key).
 */
import assert from 'node:assert/strict';
import { isStorageError } from './errors.js';
import type { Store } from './store.js';

export interface Ack {
  key: string;
  revision: number;
  counter: number;
}

/** Runs `writers` loops until `signal` aborts or the store fails; calls `onAck` after each durable write. */
export async function counterLoad(store: Store, prefix: string, writers: number, onAck: (a: Ack) => void, signal: AbortSignal): Promise<void> {
  const loop = async (i: number) => {
    const key = `${prefix}w${i}`;
    let kv = await store.create(key, Buffer.from('0'));
    onAck({ key, revision: kv.modRevision, counter: 0 });
    for (let c = 1; !signal.aborted; c++) {
      kv = await store.update(key, Buffer.from(String(c)), kv.modRevision);
      onAck({ key, revision: kv.modRevision, counter: c });
    }
  };
  await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      loop(i).catch((e: unknown) => {
        // The backend going away under the load is the point of the test; anything else is a bug.
        if (!isStorageError(e, 'Unavailable') && !isStorageError(e, 'Closed')) throw e;
      }),
    ),
  );
}

/** Parses `ack <key> <revision> <counter>` lines. */
export function parseAck(line: string): Ack | undefined {
  const m = /^ack (\S+) (\d+) (\d+)$/.exec(line.trim());
  return m ? { key: m[1] ?? '', revision: Number(m[2]), counter: Number(m[3]) } : undefined;
}

/** Asserts that `store` holds every acknowledged write; returns how many keys were checked. */
export async function verifyAcked(store: Store, acks: Ack[]): Promise<number> {
  const last = new Map<string, Ack>();
  for (const a of acks) {
    const prev = last.get(a.key);
    assert.ok(!prev || a.counter === prev.counter + 1, `acks for ${a.key} are sequential`);
    assert.ok(!prev || a.revision > prev.revision, `revisions for ${a.key} increase`);
    last.set(a.key, a);
  }
  const maxAcked = Math.max(...acks.map((a) => a.revision));
  assert.ok((await store.currentRevision()) >= maxAcked, 'the reopened store is at or past the last acknowledged revision');
  for (const a of last.values()) {
    const kv = await store.get(a.key);
    assert.ok(kv, `acknowledged key ${a.key} survived`);
    const counter = Number(kv.value.toString());
    assert.ok(counter === a.counter || counter === a.counter + 1, `${a.key}: acknowledged counter ${a.counter}, found ${counter}`);
    if (counter === a.counter) assert.equal(kv.modRevision, a.revision, `${a.key} is at its acknowledged revision`);
    else assert.ok(kv.modRevision > a.revision, `${a.key}: an unacknowledged later write has a later revision`);
  }
  // The store keeps working after the crash, with revisions past everything acknowledged.
  const fresh = await store.create(`${acks[0]?.key ?? '/registry/crash/'}-after`, Buffer.from('after'));
  assert.ok(fresh.modRevision > maxAcked);
  return last.size;
}
