import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import type { Streams } from '../types.js';
import { setupTty } from './tty.js';
import type { TerminalSize } from './remotecommand.js';

function fakeStreams(o: { stdinTTY: boolean; stdoutTTY: boolean }) {
  const raw: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: o.stdinTTY, setRawMode: (r: boolean) => raw.push(r) });
  let err = '';
  const stderr = new Writable({ write: (c: Buffer, _e, cb) => ((err += c.toString()), cb()) });
  const stdout = Object.assign(new PassThrough(), { isTTY: o.stdoutTTY, columns: 100, rows: 30 });
  const streams: Streams = { stdin, stdout, stderr };
  return { streams, raw, stdout, err: () => err };
}

async function take(it: AsyncIterable<TerminalSize>, n: number): Promise<TerminalSize[]> {
  const out: TerminalSize[] = [];
  for await (const s of it) {
    out.push(s);
    if (out.length === n) break;
  }
  return out;
}

test('no stdin: no TTY, silently (kubectl ignores -t without -i)', () => {
  const f = fakeStreams({ stdinTTY: true, stdoutTTY: true });
  const s = setupTty(f.streams, { stdin: false, tty: true, err: f.streams.stderr });
  assert.equal(s.tty, false);
  assert.deepEqual(f.raw, []);
  assert.equal(f.err(), '');
});

test('stdin that is not a terminal: no TTY, with the notice unless quiet', () => {
  const f = fakeStreams({ stdinTTY: false, stdoutTTY: false });
  assert.equal(setupTty(f.streams, { stdin: true, tty: true, err: f.streams.stderr }).tty, false);
  assert.equal(f.err(), 'Unable to use a TTY - input is not a terminal or the right kind of file\n');
  const q = fakeStreams({ stdinTTY: false, stdoutTTY: false });
  setupTty(q.streams, { stdin: true, tty: true, quiet: true, err: q.streams.stderr });
  assert.equal(q.err(), '');
});

test('a terminal: raw mode until restore, the size first and then on every resize', async () => {
  const f = fakeStreams({ stdinTTY: true, stdoutTTY: true });
  const before = process.listenerCount('SIGTERM');
  const s = setupTty(f.streams, { stdin: true, tty: true, initial: (z) => [{ width: z.width + 1, height: z.height + 1 }, z] });
  assert.equal(s.tty, true);
  assert.deepEqual(f.raw, [true]);
  assert.equal(process.listenerCount('SIGTERM'), before + 1);
  f.stdout.columns = 120;
  f.stdout.emit('resize');
  assert.deepEqual(await take(s.sizes!, 3), [{ width: 101, height: 31 }, { width: 100, height: 30 }, { width: 120, height: 30 }]);
  s.restore();
  s.restore();
  assert.deepEqual(f.raw, [true, false]);
  assert.equal(process.listenerCount('SIGTERM'), before);
  assert.equal(f.stdout.listenerCount('resize'), 0);
});

test('a terminal whose stdout is not one: a TTY without sizes', () => {
  const f = fakeStreams({ stdinTTY: true, stdoutTTY: false });
  const s = setupTty(f.streams, { stdin: true, tty: true });
  assert.equal(s.tty, true);
  assert.equal(s.sizes, undefined);
  s.restore();
  assert.deepEqual(f.raw, [true, false]);
});
