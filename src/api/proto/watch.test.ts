// Protobuf watch stream frames: layout as kube-apiserver writes it, and reassembly from chunks
// split at every possible boundary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROTOBUF_MAGIC, createWatchFrameDecoder, decodeWatchEvent, encode, encodeWatchEvent, protobufCodec, type WatchEvent } from '../protobuf.js';

const events: WatchEvent[] = [
  { type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a', namespace: 'default', resourceVersion: '5' }, spec: { containers: [{ name: 'c', image: 'busybox', resources: {} }] } } },
  { type: 'MODIFIED', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'b', namespace: 'default', resourceVersion: '6' }, data: { k: 'v' } } },
  { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '7' } } },
  { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 } },
];

test('a frame is a 4-byte big-endian length + a bare WatchEvent whose object keeps the full envelope', () => {
  const [first] = events;
  assert.ok(first);
  const frame = encodeWatchEvent(first);
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  const body = frame.subarray(4);
  assert.ok(!PROTOBUF_MAGIC.equals(body.subarray(0, 4)), 'the event itself has no magic');
  const watchEvent = protobufCodec().typeForKind('v1', 'WatchEvent');
  assert.ok(watchEvent);
  const raw = watchEvent.decode(body) as unknown as { type: string; object: { raw: Uint8Array } };
  assert.equal(raw.type, 'ADDED');
  assert.equal(Buffer.from(raw.object.raw).toString('hex'), encode(first.object).toString('hex'));
  assert.deepStrictEqual(decodeWatchEvent(body), first);
});

test('the frame decoder reassembles events from any chunking', () => {
  const stream = Buffer.concat(events.map((e) => encodeWatchEvent(e)));
  for (let split = 1; split < stream.length; split++) {
    const decoder = createWatchFrameDecoder();
    const got = [...decoder.push(stream.subarray(0, split)), ...decoder.push(stream.subarray(split))];
    assert.deepStrictEqual(got, events, `split at ${split}`);
    assert.equal(decoder.buffered, 0);
  }
  const decoder = createWatchFrameDecoder();
  const oneByOne = [...stream].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
  assert.deepStrictEqual(oneByOne, events);
});

test('a truncated stream leaves bytes buffered and an absurd length is refused', () => {
  const decoder = createWatchFrameDecoder();
  const frame = encodeWatchEvent(events[1] ?? { type: 'ADDED', object: {} });
  assert.deepStrictEqual(decoder.push(frame.subarray(0, frame.length - 1)), []);
  assert.equal(decoder.buffered, frame.length - 1);
  assert.throws(() => createWatchFrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), /exceeds/);
});
