import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '../../util/log.js';
import { formatRecord } from './cri-log.js';
import { readContainerLog } from './reader.js';
import { LogRotator } from './rotator.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-logrotate-'));
after(() => rmSync(root, { recursive: true, force: true }));
const log = createLogger('test', new Writable({ write: (_c, _e, cb) => cb() }));

let n = 0;
/** A container log dir with a fake runtime whose ReopenContainerLog creates a new file at the path. */
function setup(opts: { failReopen?: boolean } = {}) {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  const path = join(dir, '0.log');
  const calls: string[] = [];
  const cri = {
    reopenContainerLog: (req: { container_id?: string }) => {
      calls.push(req.container_id ?? '');
      if (opts.failReopen) return Promise.reject(new Error('container not running'));
      writeFileSync(path, '');
      return Promise.resolve({} as Record<string, never>);
    },
  };
  let t = Date.parse('2024-05-01T10:00:00Z');
  const now = () => new Date((t += 1000));
  return { dir, path, calls, rotator: new LogRotator({ cri, maxSizeBytes: 100, maxFiles: 3, log, now }), files: () => readdirSync(dir).sort() };
}

const line = (s: string) => formatRecord('2024-05-01T10:00:00Z', 'stdout', false, s);

describe('LogRotator', () => {
  test('leaves a small log alone', async () => {
    const s = setup();
    writeFileSync(s.path, line('small'));
    await s.rotator.check([{ containerId: 'c1', logPath: s.path }]);
    assert.deepEqual(s.files(), ['0.log']);
    assert.deepEqual(s.calls, []);
  });

  test('rotates past the size, reopens, compresses older files and keeps maxFiles', async () => {
    const s = setup();
    const contents: string[] = [];
    for (let i = 0; i < 4; i++) {
      const body = line(`round ${i} ${'z'.repeat(120)}`);
      contents.push(body);
      writeFileSync(s.path, body);
      await s.rotator.check([{ containerId: 'c1', logPath: s.path }]);
    }
    assert.deepEqual(s.calls, ['c1', 'c1', 'c1', 'c1']);
    // maxFiles 3 = the current file plus two rotated; the newest rotated one stays plain.
    assert.deepEqual(s.files(), ['0.log', '0.log.20240501-100003.gz', '0.log.20240501-100004']);
    assert.equal(readFileSync(join(s.dir, '0.log'), 'utf8'), '');
    assert.equal(gunzipSync(readFileSync(join(s.dir, '0.log.20240501-100003.gz'))).toString(), contents[2]);
    assert.equal(readFileSync(join(s.dir, '0.log.20240501-100004'), 'utf8'), contents[3]);
  });

  test('a failed reopen puts the file back', async () => {
    const s = setup({ failReopen: true });
    writeFileSync(s.path, line('x'.repeat(200)));
    await s.rotator.check([{ containerId: 'c2', logPath: s.path }]);
    assert.deepEqual(s.calls, ['c2']);
    assert.deepEqual(s.files(), ['0.log']);
  });

  test('a missing log is reopened', async () => {
    const s = setup();
    await s.rotator.check([{ containerId: 'c3', logPath: s.path }]);
    assert.deepEqual(s.calls, ['c3']);
    assert.ok(existsSync(s.path));
  });

  test('a follower keeps reading across a rotation', async () => {
    const s = setup();
    writeFileSync(s.path, line('before') + line('y'.repeat(150)));
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    });
    let running = true;
    const text = () => Buffer.concat(chunks).toString();
    const done = readContainerLog({ path: s.path, options: { follow: true, tailLines: 1 }, out, isRunning: () => running, pollMs: 20 });
    const until = async (want: string) => {
      const end = Date.now() + 5000;
      while (text() !== want) {
        if (Date.now() > end) assert.fail(`timed out; have ${JSON.stringify(text())}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until('y'.repeat(150) + '\n');
    await s.rotator.check([{ containerId: 'c4', logPath: s.path }]);
    assert.equal(s.files().length, 2);
    appendFileSync(s.path, line('after'));
    await until('y'.repeat(150) + '\nafter\n');
    running = false;
    await done;
  });
});
