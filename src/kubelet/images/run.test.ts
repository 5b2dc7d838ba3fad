// Runs the built images' root filesystems for real: each in a network namespace of its own (named
// with a per-run prefix, removed afterwards), its own mount/PID/UTS namespaces (so the /dev and /proc
// mounts vanish with the process), chrooted into the unpacked layers. Traffic stays inside the namespace.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../util/log.js';
import { buildImages, planImages, type BuiltImage } from './build.js';
import { ImageStore, type OciManifest } from './store.js';

const log = createLogger('run-test', { write: () => true } as unknown as NodeJS.WritableStream);
const only = ['nginx', 'redis', 'flask-demo-1.0', 'flask-demo-2.0', 'pause'];
const tools = ['/usr/sbin/ip', '/usr/bin/unshare', '/usr/sbin/chroot', '/usr/bin/curl', '/usr/bin/nsenter', '/usr/bin/tar'];
const skip =
  process.getuid?.() !== 0
    ? 'needs root (network namespaces, chroot)'
    : tools.find((t) => !existsSync(t))
      ? `${tools.find((t) => !existsSync(t))} missing`
      : planImages({ only }).some((p) => 'error' in p)
        ? 'nginx-light, redis-server, python3-flask, python3-redis or gcc missing'
        : false;

const prefix = `k8tsimg${randomBytes(3).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('images run', { skip, timeout: 180_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-run-test-'));
  const netns: string[] = [];
  const procs: ChildProcess[] = [];
  let built: BuiltImage[] = [];

  before(async () => {
    built = await buildImages({ cacheDir: join(root, 'cache'), only, log });
  });
  after(async () => {
    await Promise.all(procs.map(stop));
    for (const ns of netns) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  });

  /** Unpacks an image's layers, in order, into a fresh directory. */
  function unpack(name: string): string {
    const img = built.find((b) => b.name === name);
    assert.ok(img, `${name} built`);
    const store = new ImageStore(join(root, 'cache'));
    const manifest = JSON.parse(store.read(img.manifest.digest).toString('utf8')) as OciManifest;
    const dir = join(root, `${name}-${randomBytes(2).toString('hex')}`);
    mkdirSync(dir);
    for (const l of manifest.layers) execFileSync('tar', ['-xzf', store.blobPath(l.digest), '-C', dir, '--numeric-owner']);
    for (const d of ['dev', 'proc']) mkdirSync(join(dir, d), { recursive: true });
    return dir;
  }

  function newNetns(): string {
    const ns = `${prefix}-${netns.length}`;
    execFileSync('ip', ['netns', 'add', ns]);
    netns.push(ns);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Starts argv inside rootfs (chroot) in netns, in new mount/PID/UTS namespaces; its output goes to files. */
  function start(ns: string, rootfs: string, argv: string[], o: { workdir?: string; hostname?: string; env?: Record<string, string> } = {}) {
    const inner = o.workdir ? ['/bin/sh', '-c', 'cd "$0" && exec "$@"', o.workdir, ...argv] : argv;
    const script = `mount --rbind /dev "$R/dev" && ${o.hostname ? `hostname ${o.hostname} && ` : ''}exec chroot "$R" "$@"`;
    // Files, not pipes: node's pipes are sockets, and reopening /dev/stdout (nginx's log links) fails
    // on a socket; under containerd the container's stdio are FIFOs, where it works.
    const logs = { stdout: `${rootfs}.stdout`, stderr: `${rootfs}.stderr` };
    const fds = [openSync(logs.stdout, 'w'), openSync(logs.stderr, 'w')] as const;
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, 'unshare', '--mount', '--pid', '--uts', '--fork', '--kill-child', `--mount-proc=${rootfs}/proc`, '--', '/bin/sh', '-c', script, 'sh', ...inner],
      { env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', R: rootfs, ...o.env }, stdio: ['ignore', fds[0], fds[1]] },
    );
    fds.forEach((fd) => closeSync(fd));
    procs.push(child);
    const out = {
      get stdout() {
        return readFileSync(logs.stdout, 'utf8');
      },
      get stderr() {
        return readFileSync(logs.stderr, 'utf8');
      },
    };
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, out, exited };
  }

  /** Stops what start() started: the process inside first, so that unshare reaps it, then unshare. */
  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      for (const pid of readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** Runs a command in the namespace until it succeeds (bounded), returning its stdout. */
  async function until(ns: string, argv: string[], ok: (stdout: string) => boolean, what: string): Promise<string> {
    let last = '';
    for (let i = 0; i < 150; i++) {
      try {
        last = execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
        if (ok(last)) return last;
      } catch (e) {
        last = String((e as { stdout?: string }).stdout ?? e);
      }
      await sleep(100);
    }
    throw new Error(`${what}: never succeeded; last output: ${last.slice(0, 500)}`);
  }
  const curl = (ns: string, url: string) => execFileSync('ip', ['netns', 'exec', ns, 'curl', '-s', '-m', '5', url], { encoding: 'utf8', timeout: 10_000 });

  test('nginx serves the welcome page on port 80, logs to stdout/stderr, workers run as www-data', async () => {
    const ns = newNetns();
    const rootfs = unpack('nginx');
    const { out } = start(ns, rootfs, ['nginx', '-g', 'daemon off;']);
    const page = await until(ns, ['curl', '-s', '-m', '2', 'http://127.0.0.1:80/'], (s) => s.includes('Welcome to nginx!'), 'nginx welcome page').catch((e: Error) => {
      throw new Error(`${e.message}\nnginx stderr: ${out.stderr}`);
    });
    assert.match(page, /<title>Welcome to nginx!<\/title>/);
    curl(ns, 'http://127.0.0.1/missing');
    for (let i = 0; i < 50 && !out.stdout.includes('/missing'); i++) await sleep(50);
    assert.match(out.stdout, /"GET \/ HTTP\/1.1" 200 /, 'access log on stdout');
    assert.match(out.stdout, /"GET \/missing HTTP\/1.1" 404 /);
    assert.match(out.stderr, /open\(\) "\/usr\/share\/nginx\/html\/missing" failed/, 'error log on stderr');
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).trim().split('\n');
    const workers = pids.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('nginx: worker'));
    assert.ok(workers.length > 0, 'nginx workers running');
    for (const w of workers) assert.match(readFileSync(`/proc/${w}/status`, 'utf8'), /^Uid:\s+33\s/m, 'worker runs as www-data (33)');
  });

  test('redis answers PING from a non-loopback address (protected mode off); the flask demos count in it', async () => {
    const ns = newNetns();
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.254.77.1/32', 'dev', 'lo']);
    const redisRoot = unpack('redis');
    start(ns, redisRoot, ['redis-server'], { workdir: '/data' });
    const cli = ['chroot', redisRoot, 'redis-cli', '-h', '10.254.77.1'];
    await until(ns, [...cli, 'ping'], (s) => s.trim() === 'PONG', 'redis PING');
    assert.match(execFileSync('ip', ['netns', 'exec', ns, ...cli, 'config', 'get', 'protected-mode'], { encoding: 'utf8' }), /protected-mode\s+no/);

    const v1 = unpack('flask-demo-1.0');
    writeFileSync(join(v1, 'etc/hosts'), '127.0.0.1 localhost\n10.254.77.1 redis\n');
    start(ns, v1, ['python3', 'app.py'], { workdir: '/app', hostname: 'web-v1', env: { PYTHONUNBUFFERED: '1', LANG: 'C.UTF-8' } });
    const first = await until(ns, ['curl', '-s', '-m', '2', 'http://127.0.0.1:5000/'], (s) => s.startsWith('Hello'), 'flask 1.0');
    assert.equal(first, 'Hello Container World! I have been seen 1 times.\n');
    assert.equal(curl(ns, 'http://127.0.0.1:5000/'), 'Hello Container World! I have been seen 2 times.\n');

    const v2 = unpack('flask-demo-2.0');
    writeFileSync(join(v2, 'etc/hosts'), '127.0.0.1 localhost\n10.254.77.1 redis\n');
    // both demos want port 5000: stop 1.0 first, as a rolling update would
    await stop(procs.at(-1) as ChildProcess);
    await until(ns, ['sh', '-c', '! curl -s -m 1 http://127.0.0.1:5000/'], () => true, 'flask 1.0 gone');
    start(ns, v2, ['python3', 'app.py'], { workdir: '/app', hostname: 'web-v2', env: { PYTHONUNBUFFERED: '1' } });
    const second = await until(ns, ['curl', '-s', '-m', '2', 'http://127.0.0.1:5000/'], (s) => s.startsWith('Hello'), 'flask 2.0');
    assert.equal(second, 'Hello Container World! I have been seen 3 times and my hostname is web-v2.\n');
  });

  test('the flask demo shows the redis error while redis cannot be reached', async () => {
    const ns = newNetns();
    const app = unpack('flask-demo-1.0');
    // No DNS server in this namespace: with hosts from files only, "redis" is simply unknown (-2),
    // as it is in a cluster before the redis Service exists.
    writeFileSync(join(app, 'etc/hosts'), '127.0.0.1 localhost\n');
    writeFileSync(join(app, 'etc/nsswitch.conf'), 'hosts: files\n');
    start(ns, app, ['python3', 'app.py'], { workdir: '/app' });
    await until(ns, ['curl', '-s', '-m', '2', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:5000/'], (s) => s === '500', 'flask 500');
    const page = curl(ns, 'http://127.0.0.1:5000/');
    assert.ok(page.includes('Error -2 connecting to redis:6379. Name or service not known.'), page.slice(0, 300));
    // "redis" resolves but nothing listens: the connection error shows instead
    writeFileSync(join(app, 'etc/hosts'), '127.0.0.1 localhost redis\n');
    assert.ok(curl(ns, 'http://127.0.0.1:5000/').includes('Error 111 connecting to redis:6379. Connection refused.'));
  });

  test('pause holds as PID 1, reaps orphans, and exits 0 on SIGTERM', async () => {
    const ns = newNetns();
    const rootfs = unpack('pause');
    const { child, exited } = start(ns, rootfs, ['/pause']);
    // the pause process is the child of unshare (which ip netns exec became)
    let pausePid = 0;
    for (let i = 0; i < 100 && !pausePid; i++) {
      const children = existsSync(`/proc/${child.pid}/task/${child.pid}/children`) ? readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim() : '';
      const p = Number(children.split(' ')[0]);
      if (p && readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('/pause')) pausePid = p;
      else await sleep(50);
    }
    assert.ok(pausePid, 'pause is running');
    assert.match(readFileSync(`/proc/${pausePid}/status`, 'utf8'), /^NSpid:\s+\d+\s+1$/m, 'pause is PID 1 in its namespace');
    // an orphan inside the PID namespace is re-parented to pause, which must collect it when it exits
    execFileSync('nsenter', ['--target', String(pausePid), '--pid', '--', '/bin/sh', '-c', 'sleep 0.2 & exit 0'], { timeout: 5000 });
    const children = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            const st = readFileSync(`/proc/${p}/stat`, 'utf8');
            const [state, ppid] = st.slice(st.lastIndexOf(')') + 2).split(' ');
            return Number(ppid) === pausePid && state !== undefined;
          } catch {
            return false;
          }
        });
    // the orphan lives 0.2 s; without reaping it would stay a zombie child of pause for good
    let left = children();
    for (let i = 0; i < 100 && left.length; i++) {
      await sleep(50);
      left = children();
    }
    assert.deepEqual(left, [], 'no children (zombie or not) left under pause');
    process.kill(pausePid, 'SIGTERM');
    assert.equal(await exited, 0, 'pause exited 0 on SIGTERM');
  });
});
