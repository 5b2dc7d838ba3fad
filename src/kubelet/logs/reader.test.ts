import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { formatRecord, formatTimestamp, parseRecord, parseRfc3339 } from './cri-log.js';
import { readContainerLog, tailOffset, type LogReadOptions } from './reader.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-logreader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A Writable that keeps everything written to it. */
function collector(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString() });
}

let n = 0;
function logFile(content: string): string {
  const p = join(dir, `${n++}.log`);
  writeFileSync(p, content);
  return p;
}

async function read(content: string, options: LogReadOptions): Promise<string> {
  const out = collector();
  await readContainerLog({ path: logFile(content), options, out });
  return out.text();
}

/** Waits (bounded) until `cond` holds, polling. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const T1 = '2024-05-01T10:00:01.123456789Z';
const T2 = '2024-05-01T10:00:02.5Z';
const T3 = '2024-05-01T12:00:03+02:00'; // 10:00:03Z
const T4 = '2024-05-01T10:00:04.000000001Z';
const sample =
  formatRecord(T1, 'stdout', false, 'one') +
  formatRecord(T2, 'stdout', true, 'tw') +
  formatRecord(T2, 'stdout', false, 'o') +
  'garbage line that is not CRI\n' +
  formatRecord(T3, 'stderr', false, 'three') +
  `${T4} stdout F\n` + // an empty line written without the space after the tag
  formatRecord(T4, 'stdout', false, 'five');

describe('CRI log records', () => {
  test('parse and format', () => {
    const r = parseRecord(Buffer.from(`${T1} stderr P hello world`));
    assert.ok(r);
    assert.equal(r.stream, 'stderr');
    assert.equal(r.partial, true);
    assert.equal(r.content.toString(), 'hello world');
    assert.equal(r.ms, Date.parse('2024-05-01T10:00:01.123Z'));
    assert.equal(parseRecord(Buffer.from('nope')), undefined);
    assert.equal(parseRecord(Buffer.from(`${T1} stdin F x`)), undefined);
    assert.equal(parseRecord(Buffer.from(`${T1} stdout X x`)), undefined);
    assert.equal(parseRecord(Buffer.from(`${T1} stdout F:extra x`))?.content.toString(), 'x');
    assert.equal(parseRfc3339(T3), Date.parse('2024-05-01T10:00:03Z'));
    assert.equal(formatTimestamp(T2), '2024-05-01T10:00:02.500000000Z');
    assert.equal(formatTimestamp(T3), '2024-05-01T12:00:03.000000000+02:00');
  });
});

describe('readContainerLog', () => {
  const cases: { name: string; options: LogReadOptions; want: string }[] = [
    { name: 'everything, partial records joined, garbage skipped', options: {}, want: 'one\ntwo\nthree\n\nfive\n' },
    { name: 'tail 2', options: { tailLines: 2 }, want: '\nfive\n' },
    { name: 'tail 4 starts at a joined line', options: { tailLines: 4 }, want: 'two\nthree\n\nfive\n' },
    { name: 'tail 0', options: { tailLines: 0 }, want: '' },
    { name: 'tail beyond the start', options: { tailLines: 100 }, want: 'one\ntwo\nthree\n\nfive\n' },
    { name: 'since a time (a line is kept or dropped by its first record)', options: { sinceTime: Date.parse('2024-05-01T10:00:02.5Z') }, want: 'two\nthree\n\nfive\n' },
    { name: 'since after the last line', options: { sinceTime: Date.parse('2024-05-02T00:00:00Z') }, want: '' },
    {
      name: 'timestamps once per line',
      options: { timestamps: true, tailLines: 3 },
      want: `2024-05-01T12:00:03.000000000+02:00 three\n2024-05-01T10:00:04.000000001Z \n2024-05-01T10:00:04.000000001Z five\n`,
    },
    { name: 'limitBytes cuts mid-line', options: { limitBytes: 6 }, want: 'one\ntw' },
    { name: 'limitBytes exactly at a line end', options: { limitBytes: 8 }, want: 'one\ntwo\n' },
    { name: 'limitBytes counts timestamps', options: { limitBytes: 10, timestamps: true }, want: '2024-05-01' },
    { name: 'tail and since together', options: { tailLines: 4, sinceTime: Date.parse('2024-05-01T10:00:03Z') }, want: 'three\n\nfive\n' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assert.equal(await read(sample, c.options), c.want);
    });
  }

  test('an unfinished record at the end is not sent when not following', async () => {
    assert.equal(await read(formatRecord(T1, 'stdout', false, 'done') + `${T2} stdout F half`, {}), 'done\n');
  });

  test('tail over many chunks and a line longer than a chunk', async () => {
    const long = 'x'.repeat(200_000);
    let content = formatRecord(T1, 'stdout', true, long) + formatRecord(T1, 'stdout', false, 'end');
    for (let i = 0; i < 3000; i++) content += formatRecord(T1, 'stdout', false, `line ${i} ${'y'.repeat(80)}`);
    const p = logFile(content);
    const fh = await open(p, 'r');
    try {
      const size = (await fh.stat()).size;
      const off = await tailOffset(fh, size, 2);
      assert.equal(content.slice(off), formatRecord(T1, 'stdout', false, `line 2998 ${'y'.repeat(80)}`) + formatRecord(T1, 'stdout', false, `line 2999 ${'y'.repeat(80)}`));
      assert.equal(await tailOffset(fh, size, 3001), 0);
      assert.equal(await tailOffset(fh, size, 3000), Buffer.byteLength(formatRecord(T1, 'stdout', true, long) + formatRecord(T1, 'stdout', false, 'end')));
    } finally {
      await fh.close();
    }
    const out = collector();
    await readContainerLog({ path: p, options: { tailLines: 3001, limitBytes: 200_003 }, out });
    assert.equal(out.text(), long + 'end');
  });

  test('follow: appends, a rotation in the middle, ends when the container stops', async () => {
    const p = join(dir, 'follow.log');
    writeFileSync(p, formatRecord(T1, 'stdout', false, 'a') + formatRecord(T1, 'stdout', false, 'b'));
    let running = true;
    const out = collector();
    const done = readContainerLog({ path: p, options: { follow: true, tailLines: 1 }, out, isRunning: () => running, pollMs: 20 });
    await until(() => out.text() === 'b\n', 'the tail');
    appendFileSync(p, formatRecord(T2, 'stdout', true, 'c1-'));
    appendFileSync(p, formatRecord(T2, 'stdout', false, 'c2'));
    await until(() => out.text() === 'b\nc1-c2\n', 'appended lines');
    // Rotate: the runtime writes a last partial record to the renamed file, then to a new file.
    renameSync(p, `${p}.20240501-100000`);
    appendFileSync(`${p}.20240501-100000`, formatRecord(T3, 'stdout', true, 'd1-'));
    writeFileSync(p, formatRecord(T3, 'stdout', false, 'd2') + formatRecord(T4, 'stderr', false, 'e'));
    await until(() => out.text() === 'b\nc1-c2\nd1-d2\ne\n', 'lines after the rotation');
    appendFileSync(p, formatRecord(T4, 'stdout', false, 'last'));
    running = false;
    await done;
    assert.equal(out.text(), 'b\nc1-c2\nd1-d2\ne\nlast\n');
  });

  test('follow: abort ends the stream', async () => {
    const p = logFile(formatRecord(T1, 'stdout', false, 'x'));
    const ac = new AbortController();
    const out = collector();
    const done = readContainerLog({ path: p, options: { follow: true }, out, isRunning: () => true, signal: ac.signal, pollMs: 20 });
    await until(() => out.text() === 'x\n', 'the first line');
    ac.abort();
    await done;
  });

  test('follow: limitBytes ends the stream even while running', async () => {
    const p = logFile(formatRecord(T1, 'stdout', false, 'abc'));
    const out = collector();
    const done = readContainerLog({ path: p, options: { follow: true, limitBytes: 6 }, out, isRunning: () => true, pollMs: 20 });
    await until(() => out.text() === 'abc\n', 'the first line');
    appendFileSync(p, formatRecord(T1, 'stdout', false, 'defgh'));
    await done;
    assert.equal(out.text(), 'abc\nde');
  });

  test('follow: a stopped container ends after everything is read', async () => {
    const out = collector();
    await readContainerLog({ path: logFile(sample), options: { follow: true }, out, isRunning: () => false, pollMs: 20 });
    assert.equal(out.text(), 'one\ntwo\nthree\n\nfive\n');
  });

  test('a missing file rejects', async () => {
    await assert.rejects(readContainerLog({ path: join(dir, 'absent.log'), options: {}, out: collector() }), /ENOENT/);
  });
});
