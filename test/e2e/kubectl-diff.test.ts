/**
 * Golden tests of `k8ts kubectl diff` against the real kubectl 1.32 on one API server (no
 * controllers: diff only reads and dry-runs, so both kubectls see the same objects). Each case runs
 * both kubectls with the same manifests; stdout, stderr and exit code must match once the temp
 * directory names (`LIVE-<n>`, `MERGED-<n>`) and the times in the diff headers are replaced, plus
 * the uid and creation time the server invents for each dry-run create. Both must also leave no
 * temp directory behind.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectlPath, KUBECTL_LAUNCH, startServer, type Cluster, type Run } from './harness.js';

let cluster: Cluster;
let dir: string;
let tmp: { real: string; ours: string };
type Side = 'real' | 'ours';

function run(side: Side, args: string[], o: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const [bin, argv] = side === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECACHEDIR: join(cluster.dir, `kubecache-${side}`), HOME: cluster.dir, TMPDIR: tmp[side], ...o.env };
  return new Promise((resolve) => {
    const child = execFile(bin, argv, { env, cwd: dir, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(o.input ?? '');
  });
}

function normalize(text: string, side: Side): string {
  return text
    .replaceAll(tmp[side], 'TMP')
    .replace(/\/(LIVE|MERGED)-\d+/g, '/$1-N')
    .replace(/\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4}$/gm, '\tTIME')
    // A dry-run create gets a fresh uid and creation time on each run.
    .replace(/^\+( +)uid: \S+$/gm, '+$1uid: UID')
    .replace(/^\+( +)creationTimestamp: "[^"]+"$/gm, '+$1creationTimestamp: TIME')
    .replace(/^W\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /gm, 'KLOG ');
}

/** Runs both kubectls, checks they agree, and returns the real one's (normalised) result. */
async function same(args: string[], o: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const [real, ours] = await Promise.all([run('real', args, o), run('ours', args, o)]);
  const r = { code: real.code, stdout: normalize(real.stdout, 'real'), stderr: normalize(real.stderr, 'real') };
  const g = { code: ours.code, stdout: normalize(ours.stdout, 'ours'), stderr: normalize(ours.stderr, 'ours') };
  assert.deepEqual(g, r, `kubectl ${args.join(' ')}`);
  assert.deepEqual(readdirSync(tmp.ours), [], 'our temp directories are removed');
  return r;
}

const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

const deployment = (o: { image: string; replicas: number; labels: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {${o.labels}}
spec:
  replicas: ${o.replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: ${o.image}
`;
const configMap = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, labels: {app: web}}\ndata: {${data}}\n`;
const secret = (data: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {${data}}\n`;

before(async () => {
  cluster = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'k8ts-diff-e2e-'));
  tmp = { real: join(dir, 'tmp-real'), ours: join(dir, 'tmp-ours') };
  mkdirSync(tmp.real);
  mkdirSync(tmp.ours);
  write('base.yaml', [deployment({ image: 'nginx:1.25', replicas: 2, labels: 'app: web' }), configMap('c', 'a: "1", b: "2"'), secret('a: YQ==, b: Yg==, c: Yw==')].join('---\n'));
  const r = await run('real', ['apply', '-f', 'base.yaml']);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an object not on the server: empty LIVE, dry-run create as MERGED', async () => {
  write('new.yaml', configMap('fresh', 'k: v'));
  const r = await same(['diff', '-f', 'new.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^\+kind: ConfigMap$/m);
});

test('an unchanged object: no output, exit 0', async () => {
  write('same.yaml', deployment({ image: 'nginx:1.25', replicas: 2, labels: 'app: web' }));
  const r = await same(['diff', '-f', 'same.yaml']);
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
});

test('a changed deployment: image, replicas and a label', async () => {
  write('dep.yaml', deployment({ image: 'nginx:1.26', replicas: 3, labels: 'app: web, tier: fe' }));
  const r = await same(['diff', '-f', 'dep.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^\+      - image: nginx:1.26$/m);
  // The same through --server-side, and the managed fields when asked for.
  assert.equal((await same(['diff', '--server-side', '-f', 'dep.yaml'])).code, 1);
  // The dry run stamps each managedFields entry with the current second, so the two kubectls'
  // runs may straddle a tick: a diff program that drops those time lines keeps the golden stable.
  write('diff-no-times.sh', `#!/bin/sh\nsed -i '/^    time: "/d' "$1"/* "$2"/*\nexec diff -u -N "$1" "$2"\n`);
  chmodSync(join(dir, 'diff-no-times.sh'), 0o755);
  const env = { KUBECTL_EXTERNAL_DIFF: join(dir, 'diff-no-times.sh') };
  const shown = await same(['diff', '-f', 'dep.yaml', '--show-managed-fields'], { env });
  assert.match(shown.stdout, /managedFields:/);
  assert.match(shown.stdout, /^\+ {10}f:tier: \{\}$/m);
});

test('a ConfigMap with a key removed, from stdin', async () => {
  const r = await same(['diff', '-f', '-'], { input: configMap('c', 'a: "1"') });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^- {2}b: "2"$/m);
});

test('a Secret: values masked, changed ones marked before and after', async () => {
  write('secret.yaml', secret('a: YQ==, b: YmI=, d: ZA=='));
  const r = await same(['diff', '-f', 'secret.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^\+ {2}b: '\*\*\* \(after\)'$/m);
  assert.doesNotMatch(r.stdout, /YmI=/);
});

test('several objects from a directory (-R, -l) and a cluster-scoped one', async () => {
  mkdirSync(join(dir, 'many', 'sub'), { recursive: true });
  write('many/dep.yaml', deployment({ image: 'nginx:1.27', replicas: 2, labels: 'app: web' }));
  write('many/sub/cm.yaml', configMap('c', 'a: "1", b: "3"'));
  write('many/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n');
  assert.equal((await same(['diff', '-f', 'many'])).code, 1);
  const all = await same(['diff', '-R', '-f', 'many']);
  assert.match(all.stdout, /v1\.Namespace\.\.dev/);
  assert.match(all.stdout, /v1\.ConfigMap\.default\.c/);
  const some = await same(['diff', '-R', '-f', 'many', '-l', 'app=web']);
  assert.doesNotMatch(some.stdout, /Namespace/);
});

test('KUBECTL_EXTERNAL_DIFF picks the program; its failures exit above 1', async () => {
  write('dep.yaml', deployment({ image: 'nginx:1.26', replicas: 3, labels: 'app: web' }));
  assert.equal((await same(['diff', '-f', 'dep.yaml'], { env: { KUBECTL_EXTERNAL_DIFF: 'diff -q' } })).code, 1);
  assert.equal((await same(['diff', '-f', 'dep.yaml'], { env: { KUBECTL_EXTERNAL_DIFF: 'k8ts-no-such-diff -u' } })).code, 2);
});

test('errors exit 2: an invalid object, a missing file, wrong arguments, an unknown flag', async () => {
  write('bad.yaml', deployment({ image: 'nginx', replicas: -1, labels: 'app: web' }).replace('name: web', 'name: bad'));
  const bad = await same(['diff', '-f', 'bad.yaml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is invalid/);
  assert.equal((await same(['diff', '-f', 'missing.yaml'])).code, 2);
  assert.equal((await same(['diff'])).code, 2);
  assert.equal((await same(['diff', 'extra', '-f', 'dep.yaml'])).code, 2);
  assert.equal((await same(['diff', '--force-conflicts', '-f', 'dep.yaml'])).code, 2);
  assert.equal((await same(['diff', '--bogus', '-f', 'dep.yaml'])).code, 2);
});
