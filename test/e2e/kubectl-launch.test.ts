/**
 * How our kubectl starts: `k8ts kubectl` and `k8ts-kubectl` run the bundle through kubectl-launch,
 * which keeps a V8 code cache under the kubectl cache directory. The cache must appear after the
 * first run, be used (not rewritten) by the next, be replaced when it does not fit, and never change
 * what kubectl prints or its exit code, even when the directory cannot be written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KUBECTL_LAUNCH, REPO } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-launch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(cacheDir: string, args: string[], via: string[] = [KUBECTL_LAUNCH]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...via, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: dir, KUBECACHEDIR: cacheDir, KUBECONFIG: join(dir, 'none.yaml') },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function cacheFiles(cacheDir: string): string[] {
  try {
    return readdirSync(join(cacheDir, 'k8ts-kubectl'));
  } catch {
    return [];
  }
}

test('the first run saves a code cache, the next uses it, and the output is the same', () => {
  const cache = join(dir, 'c1');
  const first = run(cache, ['version', '--client']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Client Version: v1\.32\.\d+-k8ts/);
  const files = cacheFiles(cache);
  assert.equal(files.length, 1, `one cache file: ${files.join(', ')}`);
  assert.match(files[0] ?? '', new RegExp(`^${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{16}\\.v8$`));
  const file = join(cache, 'k8ts-kubectl', files[0] ?? '');
  const saved = readFileSync(file);
  assert.ok(saved.length > 10_000, `the cache holds compiled code (${saved.length} bytes)`);
  const mtime = statSync(file).mtimeMs;

  const second = run(cache, ['version', '--client']);
  assert.deepEqual(second, first);
  assert.equal(statSync(file).mtimeMs, mtime, 'an accepted cache is not rewritten');
  assert.deepEqual(readFileSync(file), saved);
});

test('a cache V8 refuses is replaced, and that run works the same', () => {
  const cache = join(dir, 'c2');
  const baseline = run(cache, ['config', 'view', '-o', 'json']);
  assert.equal(baseline.code, 0, baseline.stderr);
  const [name] = cacheFiles(cache);
  assert.ok(name !== undefined);
  const file = join(cache, 'k8ts-kubectl', name);
  writeFileSync(file, Buffer.alloc(4096, 7));
  const again = run(cache, ['config', 'view', '-o', 'json']);
  assert.deepEqual(again, baseline);
  assert.ok(readFileSync(file).some((b) => b !== 7), 'the refused cache was written anew');
});

test('caches of other builds are removed once unused for a week; recent ones (another checkout, another Node) stay', () => {
  const cache = join(dir, 'c3');
  run(cache, ['version', '--client']);
  const stale = join(cache, 'k8ts-kubectl', 'v0.0.0-x64-0000000000000000.v8');
  const recent = join(cache, 'k8ts-kubectl', 'v0.0.1-x64-0000000000000000.v8');
  writeFileSync(stale, 'old');
  writeFileSync(recent, 'other');
  const weekAgo = (Date.now() - 8 * 24 * 3600 * 1000) / 1000;
  utimesSync(stale, weekAgo, weekAgo);
  const [current] = cacheFiles(cache).filter((f) => !f.startsWith('v0.'));
  assert.ok(current !== undefined);
  rmSync(join(cache, 'k8ts-kubectl', current));
  run(cache, ['version', '--client']);
  assert.deepEqual(cacheFiles(cache).sort(), [current, 'v0.0.1-x64-0000000000000000.v8'].sort());
});

test('a cache path that is not a directory: kubectl still runs, errors and exit codes as without a cache', () => {
  const blocker = join(dir, 'blocker');
  writeFileSync(blocker, 'a file where the cache directory would be');
  const withCache = run(join(dir, 'c5'), ['get', 'pods', '--server', 'http://127.0.0.1:1', '--request-timeout', '2s']);
  const without = run(blocker, ['get', 'pods', '--server', 'http://127.0.0.1:1', '--request-timeout', '2s']);
  assert.equal(without.code, 1);
  assert.match(without.stderr, /The connection to the server 127.0.0.1:1 was refused/);
  assert.deepEqual(without, withCache);
  assert.equal(readFileSync(blocker, 'utf8'), 'a file where the cache directory would be');
});

test('k8ts kubectl from the module tree prints the same as the bundle', () => {
  const cache = join(dir, 'c6');
  const bundled = run(cache, ['version', '--client', '-o', 'json']);
  const tree = run(cache, ['kubectl', 'version', '--client', '-o', 'json'], [join(REPO, 'dist', 'src', 'cmd', 'k8ts.js')]);
  assert.equal(bundled.code, 0, bundled.stderr);
  assert.deepEqual(tree, bundled);
});
