/**
 * Our kubectl's streaming verbs against a real node (`k8ts server` with its agent: containerd, CNI,
 * the local registry), each compared with the real kubectl 1.32 on the same cluster: exec (output,
 * stdin, exit codes, a TTY), attach, logs (--tail, -l --prefix, --all-containers, -p after a
 * restart, workloads), cp both ways, and port-forward with HTTP through it. Everything started is
 * stopped (SIGTERM, then `k8ts killall`) even on failure.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/storage/etcd/process.js';
import { kubectl, kubectlPath, ourKubectl, KUBECTL_LAUNCH, REPO, startServer, type Cluster, type Run, until as waitUntil } from './harness.js';

const missing = ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/lib/cni/bridge', '/usr/bin/docker-registry'].filter((p) => !existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length ? `missing ${missing.join(', ')}` : false;

const run = Math.floor(Math.random() * 200) + 20;
const podCIDR = `10.247.${run}.0/24`;
const nodeName = `k8ts-stream-${run}`;
let c: Cluster;
let dir = '';

const until = <T>(what: string, fn: () => T | undefined | false, timeoutMs = 60_000): Promise<T> => waitUntil(what, fn, { timeoutMs, context: () => readFileSync(c.log, 'utf8').split('\n').slice(-20).join('\n') });
const real = (args: string[], input?: string): Run => kubectl(c, args, input !== undefined ? { input } : {});
const ours = (args: string[], input?: string): Run => ourKubectl(c, args, input !== undefined ? { input } : {});
const ok = (args: string[], input?: string) => {
  const r = real(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/**
 * kubectl 1.32's WebSocket client starts reading before it has made its streams, so the empty frame
 * by which the kubelet says the streams are ready (upstream's too) is sometimes discarded with this
 * log line. Nothing is lost (the frame is empty); later client-go waits for its streams first.
 */
const dropStreamRace = (s: string) => s.replace(/^E\d{4} [\d:.]+ +\d+ websocket\.go:\d+\] Unknown stream id \d+, discarding message\n/gm, '');

/** Runs both kubectls; they must agree on exit code, stdout and stderr (after `norm`). Returns ours. */
function same(args: string[], o: { input?: string; norm?: (s: string) => string } = {}): Run {
  const norm = (s: string) => (o.norm ?? ((x: string) => x))(dropStreamRace(s));
  const want = real(args, o.input);
  const got = ours(args, o.input);
  const label = `kubectl ${args.join(' ')}`;
  assert.equal(norm(got.stderr), norm(want.stderr), `${label}: stderr`);
  assert.equal(norm(got.stdout), norm(want.stdout), `${label}: stdout`);
  assert.equal(got.code, want.code, `${label}: exit code`);
  return got;
}

const sortLines = (s: string) => s.split('\n').sort().join('\n');

function pod(name: string, spec: Record<string, unknown>, labels: Record<string, string> = { app: name }): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName, terminationGracePeriodSeconds: 1, ...spec } });
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-stream-'));
  const kubeletPort = await freePort();
  c = await startServer({ agent: true, dir, args: ['--port', String(kubeletPort), '--pod-cidr', podCIDR, '--cluster-cidr', podCIDR, '--hostname-override', nodeName] });
  await until('node Ready', () => /\bReady\b/.test(real(['get', 'node', nodeName, '--no-headers']).stdout));
  ok(['create', '-f', '-'], pod('bb', { containers: [{ name: 'bb', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line $i; done; sleep 3600'] }] }, { app: 'bb', tier: 'x' }));
  ok(['create', '-f', '-'], pod('two', { containers: [{ name: 'a', image: 'busybox', command: ['sh', '-c', 'echo from-a; sleep 3600'] }, { name: 'b', image: 'busybox', command: ['sh', '-c', 'echo from-b; sleep 3600'] }] }, { app: 'two', tier: 'x' }));
  ok(['create', '-f', '-'], pod('web', { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] }));
  ok(['create', '-f', '-'], pod('crash', { containers: [{ name: 'crash', image: 'busybox', command: ['sh', '-c', 'echo run once; exit 1'] }] }));
  ok(['create', '-f', '-'], pod('listener', { containers: [{ name: 'l', image: 'busybox', stdin: true, command: ['sh', '-c', 'while read line; do echo "got: $line"; echo "err: $line" >&2; done'] }] }));
  ok(['create', 'service', 'clusterip', 'websvc', '--tcp=8000:http']);
  ok(['patch', 'service', 'websvc', '-p', '{"spec":{"selector":{"app":"web"}}}']);
  for (const p of ['bb', 'two', 'web', 'listener']) await until(`${p} Running`, () => real(['get', 'pod', p, '-o', 'jsonpath={.status.phase}']).stdout === 'Running');
});

after(async () => {
  if (skip || !c) return;
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('exec: stdout, stderr, exit codes and errors as the real kubectl prints them', { skip }, () => {
  const r = same(['exec', 'bb', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
  assert.equal(r.code, 7);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\ncommand terminated with exit code 7\n');
  assert.equal(same(['exec', 'bb', '--', 'cat', '/etc/hostname']).stdout, 'bb\n');
  // Several containers: the first, with the notice (unless -q); -c picks another.
  assert.equal(same(['exec', 'two', '--', 'echo', 'hi']).stderr, 'Defaulted container "a" out of: a, b\n');
  assert.equal(same(['exec', '-q', 'two', '--', 'echo', 'hi']).stderr, '');
  assert.equal(same(['exec', 'two', '-c', 'b', '--', 'sh', '-c', 'echo $HOSTNAME']).stdout, 'two\n');
  assert.match(same(['exec', 'two', '-c', 'nope', '--', 'true']).stderr, /^Error from server \(BadRequest\): container nope is not valid for pod two\n$/);
  assert.match(same(['exec', 'nope', '--', 'true']).stderr, /^Error from server \(NotFound\): pods "nope" not found\n$/);
  same(['exec', 'bb']);
  same(['exec', 'bb', 'echo', 'hi']);
  assert.equal(same(['exec', 'svc/websvc', '--', 'cat', '/etc/hostname']).stdout, 'web\n');
  same(['exec', 'svc/kubernetes', '--', 'true']);
  same(['exec', '-t', 'bb', '--', 'tty']);
});

test('exec -i: stdin reaches the command and its end closes the command\'s stdin', { skip }, () => {
  assert.equal(same(['exec', '-i', 'bb', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], { input: 'hello stdin\n' }).stdout, 'HELLO STDIN\ndone\n');
  // -t without a terminal: the notice, and no TTY.
  assert.equal(same(['exec', '-it', 'bb', '--', 'sh', '-c', 'tty || true'], { input: '' }).stderr, 'Unable to use a TTY - input is not a terminal or the right kind of file\n');
});

test('exec -it on a terminal: the container gets a TTY, and the exit code comes back', { skip }, () => {
  const cli = join(REPO, 'dist', 'src', 'cmd', 'k8ts.js');
  const r = spawnSync('script', ['-qec', `${process.execPath} ${cli} kubectl exec -it bb -- sh -c 'tty; exit 3'`, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir },
    timeout: 30_000,
  });
  assert.match(r.stdout, /\/dev\/pts\/\d+/);
  assert.match(r.stdout, /command terminated with exit code 3/);
  assert.equal(r.status, 3);
});

/**
 * `attach -i listener` with "ping" on stdin, stdin ended only once both answers arrived: at stdin's
 * end the runtime detaches the outputs, so ending it at once would race the container's replies.
 */
async function attachPing(which: 'real' | 'ours'): Promise<Run> {
  const cmd = which === 'real' ? [kubectlPath(), 'attach', '-i', 'listener'] : [process.execPath, KUBECTL_LAUNCH, 'attach', '-i', 'listener'];
  const child = spawn(cmd[0]!, cmd.slice(1), { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir, KUBECACHEDIR: join(c.dir, `kubecache-attach-${which}`) } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number>((r) => child.once('close', (code: number | null) => r(code ?? -1)));
  child.stdin.write('ping\n');
  try {
    await until(`${which} attach answers`, () => stdout.includes('got: ping') && stderr.includes('err: ping'), 30_000);
  } finally {
    child.stdin.end();
  }
  return { code: await closed, stdout, stderr };
}

test('attach -i: the container\'s own process reads our stdin', { skip }, async () => {
  const want = await attachPing('real');
  const got = await attachPing('ours');
  assert.deepEqual(got, want);
  assert.equal(got.stdout, 'got: ping\n');
  assert.equal(got.stderr, "If you don't see a command prompt, try pressing enter.\nerr: ping\n");
  same(['attach']);
  same(['attach', 'nope']);
  same(['attach', 'two', '-c', 'nope']);
});

test('logs: plain, --tail, --limit-bytes, containers, selectors, workloads, and errors', { skip }, async () => {
  await until('bb logged', () => real(['logs', 'bb']).stdout.includes('line 5'));
  assert.equal(same(['logs', 'bb']).stdout, 'line 1\nline 2\nline 3\nline 4\nline 5\n');
  assert.equal(same(['logs', 'bb', '--tail', '2']).stdout, 'line 4\nline 5\n');
  same(['logs', 'bb', '--limit-bytes', '9']);
  same(['logs', 'bb', '--prefix']);
  assert.equal(same(['logs', 'two']).stderr, 'Defaulted container "a" out of: a, b\n');
  same(['logs', 'two', 'b']);
  same(['logs', 'two', '-c', 'b', 'b']);
  // kubectl reads several logs in Go map order (random): compare the lines as sets.
  assert.equal(sortLines(same(['logs', 'two', '--all-containers', '--prefix'], { norm: sortLines }).stdout), sortLines('[pod/two/a] from-a\n[pod/two/b] from-b\n'));
  const sel = same(['logs', '-l', 'tier=x', '--all-containers', '--prefix'], { norm: sortLines }).stdout;
  assert.match(sel, /^\[pod\/bb\/bb\] line 1$/m);
  assert.match(sel, /^\[pod\/two\/b\] from-b$/m);
  same(['logs', '-l', 'app=none']);
  same(['logs', 'svc/websvc']);
  same(['logs']);
  same(['logs', 'bb', '-l', 'app=bb']);
  same(['logs', 'nope']);
  same(['logs', 'deploy/nope']);
  same(['logs', 'bb', '--since', '1h', '--since-time', '2024-01-01T00:00:00Z']);
  same(['logs', 'bb', '-p']);
});

test('logs -p after a restart', { skip }, async () => {
  await until('crash restarted', () => Number(real(['get', 'pod', 'crash', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']).stdout || '0') >= 1, 60_000);
  assert.equal(same(['logs', '-p', 'crash']).stdout, 'run once\n');
});

test('cp: a file and a tree, both ways, with the real kubectl\'s messages', { skip }, () => {
  const local = join(dir, 'cp');
  mkdirSync(join(local, 'tree', 'sub'), { recursive: true });
  mkdirSync(join(local, 'tree', 'empty'));
  writeFileSync(join(local, 'up.txt'), 'payload 42\n');
  writeFileSync(join(local, 'tree', 'a.txt'), 'A\n');
  writeFileSync(join(local, 'tree', 'sub', 'b.bin'), Buffer.alloc(100_000, 0xab));
  symlinkSync('a.txt', join(local, 'tree', 'link'));
  ok(['exec', 'bb', '--', 'mkdir', '-p', '/tmp/real', '/tmp/ours']);

  // Uploads: each kubectl to its own directory; the results must be identical.
  assert.equal(real(['cp', join(local, 'up.txt'), 'bb:/tmp/real/up.txt']).code, 0);
  const up = ours(['cp', join(local, 'up.txt'), 'bb:/tmp/ours/up.txt']);
  assert.deepEqual(up, { code: 0, stdout: '', stderr: '' });
  assert.equal(real(['cp', join(local, 'tree'), 'bb:/tmp/real']).code, 0);
  assert.equal(ours(['cp', join(local, 'tree'), 'bb:/tmp/ours']).code, 0);
  const listing = (d: string) => ok(['exec', 'bb', '--', 'sh', '-c', `cd ${d} && find . | sort && cat up.txt tree/a.txt && md5sum tree/sub/b.bin && readlink tree/link`]);
  assert.equal(listing('/tmp/ours'), listing('/tmp/real'));
  assert.match(listing('/tmp/ours'), /^\.\/tree\/empty$/m);

  // Downloads (stdout carries tar's own message, as the real kubectl's does).
  const norm = (s: string) => s.replace(/(real|ours)-(file|tree)/g, 'X').replace(/^tar: removing leading '\/' from member names\n/m, '');
  same(['cp', 'bb:/tmp/real/up.txt', join(local, 'file')], { norm });
  assert.equal(readFileSync(join(local, 'file'), 'utf8'), 'payload 42\n');
  rmSync(join(local, 'file'));
  const tree = ours(['cp', 'bb:/tmp/real/tree', join(local, 'ours-tree')]);
  const realTree = real(['cp', 'bb:/tmp/real/tree', join(local, 'real-tree')]);
  assert.equal(norm(tree.stderr), norm(realTree.stderr));
  assert.match(tree.stderr, /^warning: skipping symlink: ".*ours-tree\/link" -> "a\.txt" \(consider using "kubectl exec -n "" "bb" -- tar cf - "\/tmp\/real\/tree" \| tar xf -"\)\n$/);
  assert.equal(readFileSync(join(local, 'ours-tree', 'a.txt'), 'utf8'), 'A\n');
  assert.deepEqual(readFileSync(join(local, 'ours-tree', 'sub', 'b.bin')), Buffer.alloc(100_000, 0xab));
  assert.ok(existsSync(join(local, 'ours-tree', 'empty')));

  same(['cp', join(local, 'nope'), 'bb:/tmp/x']);
  same(['cp', 'bb:/a', 'bb:/b']);
  same(['cp', 'nopod:/tmp/x', join(local, 'x')]);
  same(['cp', join(local, 'up.txt'), 'bb:/nonexistent/dir/x']);
  same(['cp', 'bb:/tmp/real/up.txt', local], { norm });
});

/** GET / on a fresh connection (no keep-alive: each request is one forwarded connection). */
function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a kubectl port-forward; resolves with the local port once it listens. */
async function portForward(which: 'real' | 'ours', args: string[]): Promise<{ port: number; output: () => string; stop: () => Promise<number | null> }> {
  const cmd = which === 'real' ? [kubectlPath(), ...args] : [process.execPath, KUBECTL_LAUNCH, ...args];
  const child = spawn(cmd[0]!, cmd.slice(1), { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const port = Number(await until(`${which} port-forward listening`, () => /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000));
  return {
    port,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      if (child.exitCode !== null) return child.exitCode;
      return new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    },
  };
}

test('port-forward: HTTP through a pod and a service port, output as the real kubectl\'s', { skip }, async () => {
  for (const args of [['port-forward', 'pod/web', ':80'], ['port-forward', 'svc/websvc', ':8000'], ['port-forward', 'pod/web', ':http']]) {
    const transcripts: string[] = [];
    for (const which of ['real', 'ours'] as const) {
      const pf = await portForward(which, args);
      try {
        for (let i = 0; i < 2; i++) assert.match(await httpGet(pf.port), /Welcome to nginx!/);
      } finally {
        assert.equal(await pf.stop(), 0);
      }
      transcripts.push(pf.output().replaceAll(String(pf.port), 'PORT'));
    }
    assert.equal(transcripts[1], transcripts[0], args.join(' '));
    assert.equal(transcripts[1], 'Forwarding from 127.0.0.1:PORT -> 80\nForwarding from [::1]:PORT -> 80\nHandling connection for PORT\nHandling connection for PORT\n');
  }
  same(['port-forward', 'pod/web']);
  same(['port-forward', 'svc/websvc', '9999']);
  same(['port-forward', '--address', 'bogus', 'pod/web', '80']);
});
