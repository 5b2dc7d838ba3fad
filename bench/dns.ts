/**
 * Cluster DNS benchmark: queries per second and p50/p99 latency of `k8ts dns` against dnsmasq
 * (Debian) answering the same records — N Services `svc-i.default.svc.cluster.local` A — over UDP
 * on 127.0.0.1, each target in its own process. Our server reads its Services from the fake API
 * server (list + watch) in its child process; no real API server is needed.
 *
 *   node dist/bench/dns.js [--services N] [--seconds S]
 *
 * Prints figures with the machine and the conditions; never passes or fails on time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RestClient } from '../src/client/rest.js';
import { startFakeApiServer } from '../src/client/testing/fake-apiserver.js';
import { fakeBuiltInResources } from '../src/client/testing/fake-transport.js';
import type { Obj } from '../src/client/testing/fake-state.js';
import { queryBytes, queryUdp } from '../src/dns/client.js';
import { startDns } from '../src/dns/run.js';
import { service } from '../src/dns/testing.js';
import { now, summarize, table, type Summary } from './stats.js';

const { values } = parseArgs({ options: { services: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '5' }, 'serve-child': { type: 'boolean' } } });
const SERVICES = Number(values.services);
const SECONDS = Number(values.seconds);
const HOST = '127.0.0.1';
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const ipOf = (i: number) => `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const nameOf = (i: number) => `svc-${i}.default.svc.cluster.local`;

/** Child mode: the fake API server seeded with the Services, and our DNS server reading it; prints the port. */
async function serveChild(): Promise<void> {
  const api = await startFakeApiServer({ resources: fakeBuiltInResources });
  const res = fakeBuiltInResources.find((r) => r.resource === 'services');
  if (!res) throw new Error('the fake serves no services');
  for (let i = 0; i < SERVICES; i++) api.state.write(res, 'ADDED', service('default', `svc-${i}`, { clusterIP: ipOf(i), ports: [{ name: 'http', port: 80 }] }) as unknown as Obj);
  const transport = new RestClient({ server: api.url }, { qps: 0 });
  const ac = new AbortController();
  process.once('SIGTERM', () => ac.abort());
  const dns = await startDns({ transport, address: HOST, port: 0, upstreams: [], logger: quiet }, ac.signal);
  console.log(JSON.stringify({ port: dns.port }));
  await dns.done;
  transport.close();
  await api.close();
}

/** Fixed-duration UDP load: `sockets` sockets with `window` queries in flight each; a query unanswered for 1 s is lost and replaced. */
async function load(port: number, sockets: number, window: number, seconds: number) {
  const queries = Array.from({ length: SERVICES }, (_, i) => queryBytes(0, nameOf(i), 'A'));
  const latencies: number[] = [];
  let bad = 0;
  let lost = 0;
  const end = now() + seconds * 1000;
  const socks = await Promise.all(Array.from({ length: sockets }, () => new Promise<dgram.Socket>((r) => { const s = dgram.createSocket('udp4'); s.bind(0, HOST, () => r(s)); })));
  const inflight = socks.map(() => new Map<number, number>());
  const sweeps: NodeJS.Timeout[] = [];
  const t0 = now();
  await Promise.all(
    socks.map((sock, k) => new Promise<void>((resolve) => {
      const mine = inflight[k] ?? new Map<number, number>();
      let nextId = 0;
      const send = () => {
        if (now() >= end) return mine.size === 0 ? resolve() : undefined;
        const id = nextId++ & 0xffff;
        const q = Buffer.from(queries[Math.floor(Math.random() * queries.length)] ?? Buffer.alloc(0));
        q.writeUInt16BE(id, 0);
        mine.set(id, now());
        sock.send(q, port, HOST);
      };
      sock.on('message', (msg) => {
        const id = msg.readUInt16BE(0);
        const sent = mine.get(id);
        if (sent === undefined) return;
        mine.delete(id);
        // Count an answer only when it is one: NOERROR with at least one record.
        if ((msg.readUInt16BE(2) & 0xf) === 0 && msg.readUInt16BE(6) > 0) latencies.push(now() - sent);
        else bad++;
        send();
      });
      const sweep = setInterval(() => {
        const t = now();
        for (const [id, sent] of mine) if (t - sent > 1000) { mine.delete(id); lost++; send(); }
        if (t >= end + 1000) { lost += mine.size; mine.clear(); resolve(); }
      }, 100);
      sweeps.push(sweep);
      for (let i = 0; i < window; i++) send();
    })),
  );
  const wallMs = now() - t0;
  for (const s of sweeps) clearInterval(s);
  for (const s of socks) s.close();
  return { summary: summarize(latencies, wallMs), bad, lost };
}

/** CPU seconds used so far by a process (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, HOST, r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Asks until the server answers `svc-0` (it is up and loaded), at most ~10 s. */
async function ready(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await queryUdp(HOST, port, nameOf(SERVICES - 1), 'A', { timeoutMs: 100 }).catch(() => undefined);
    if (r && (r.answers ?? []).length > 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`nothing answers on ${HOST}:${port}`);
}

async function startOurs(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-child', '--services', String(SERVICES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`our DNS child exited (${code})`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function startDnsmasq(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, Array.from({ length: SERVICES }, (_, i) => `${ipOf(i)} ${nameOf(i)}`).join('\n') + '\n', { mode: 0o644 });
  const port = await freePort();
  const args = ['--no-daemon', '--conf-file=/dev/null', `--port=${port}`, `--listen-address=${HOST}`, '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, `--cache-size=${SERVICES * 2}`, '--local=/cluster.local/', `--pid-file=${join(dir, 'pid')}`, '--user=root'];
  const child = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, port };
}

interface Row {
  target: string;
  profile: string;
  s: Summary;
  bad: number;
  lost: number;
  cpu: number;
  rss: number;
}

async function measure(target: string, t: { child: ChildProcess; port: number }, rows: Row[]): Promise<void> {
  await ready(t.port);
  const pid = t.child.pid ?? 0;
  await load(t.port, 2, 8, 1); // warm-up (JIT, caches), not counted
  for (const [sockets, window] of [[1, 1], [4, 16]] as const) {
    const c0 = cpuSeconds(pid);
    const r = await load(t.port, sockets, window, SECONDS);
    const cpu = ((cpuSeconds(pid) - c0) / SECONDS) * 100;
    rows.push({ target, profile: `${sockets} socket${sockets > 1 ? 's' : ''} x ${window} in flight`, s: r.summary, bad: r.bad, lost: r.lost, cpu, rss: rssMiB(pid) });
  }
}

/** SIGTERM, then SIGKILL if the child is still there after 5 s; resolves once it has exited. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-dns-'));
  const children: ChildProcess[] = [];
  const rows: Row[] = [];
  try {
    const ours = await startOurs();
    children.push(ours.child);
    const dnsmasq = await startDnsmasq(dir);
    children.push(dnsmasq.child);
    console.log(`k8ts DNS benchmark — ${new Date().toISOString()}`);
    console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${execFileSync('dnsmasq', ['--version']).toString().split('\n')[0] ?? ''}`);
    console.log(`${SERVICES} Services (svc-i.default.svc.cluster.local A, random names), UDP on ${HOST}, ${SECONDS} s per row after a 1 s warm-up;`);
    console.log(`load generator in this node process (one thread), each server in its own process; dnsmasq --cache-size=${SERVICES * 2}, names from --addn-hosts`);
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine shares its CPUs)\n`);
    await measure('k8ts dns', ours, rows);
    await measure('dnsmasq', dnsmasq, rows);
  } finally {
    await Promise.all(children.map(stop));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    table(
      ['server', 'load', 'answers/s', 'p50 ms', 'p99 ms', 'answers', 'errors', 'lost', 'server CPU %', 'server RSS MiB'],
      rows.map((r) => [r.target, r.profile, r.s.perSecond, r.s.p50, r.s.p99, String(r.s.count), String(r.bad), String(r.lost), r.cpu, r.rss]),
    ),
  );
}

if (values['serve-child']) await serveChild();
else await main();
