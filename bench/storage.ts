/**
 * Storage benchmark: writes/s with p50/p99 latency (one at a time and 64 in flight), reads/s, and
 * watch delivery latency, for the SQLite store, the etcd store, and raw etcd (plain Put/Range/Watch
 * on the same server, no transactions) as the baseline, all in one run on this machine.
 *
 *   node dist/bench/storage.js [--writes N] [--reads N] [--dir DIR]
 *
 * Prints figures; never passes or fails on time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openEtcdStore } from '../src/storage/etcd.js';
import { EtcdClient } from '../src/storage/etcd/client.js';
import { startEtcd } from '../src/storage/etcd/process.js';
import { openSqliteStore } from '../src/storage/sqlite.js';
import { prefixEnd, type Store } from '../src/storage/store.js';
import { drive, now, summarize, table, type Summary } from './stats.js';

const { values } = parseArgs({
  options: { writes: { type: 'string', default: '3000' }, reads: { type: 'string', default: '20000' }, dir: { type: 'string' } },
});
const WRITES = Number(values.writes);
const READS = Number(values.reads);
const VALUE = Buffer.alloc(1024, 'v'); // about the size of a small Kubernetes object

/** The operations a benchmark subject offers. */
interface Subject {
  name: string;
  put(key: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  /** Starts a watch on `prefix`; `onEvent(key)` is called per delivered event. */
  watch(prefix: string, onEvent: (key: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

function storeSubject(name: string, s: Store): Subject {
  return {
    name,
    put: (key) => s.create(key, VALUE),
    get: (key) => s.get(key),
    watch: async (prefix, onEvent) => {
      const w = s.watch(prefix, { afterRevision: await s.currentRevision() });
      void (async () => {
        for await (const batch of w) for (const e of batch) onEvent(e.kv.key);
      })();
      return () => w.close();
    },
    close: () => s.close(),
  };
}

function rawEtcdSubject(endpoint: string): Subject {
  const c = new EtcdClient({ endpoints: [endpoint] });
  return {
    name: 'raw etcd (baseline)',
    put: (key) => c.put({ key: Buffer.from(key), value: VALUE }),
    get: (key) => c.range({ key: Buffer.from(key) }),
    watch: (prefix, onEvent) => {
      const stream = c.watchStream();
      const created = new Promise<void>((resolve) => {
        stream.on('data', (res: { created: boolean; events: Array<{ kv: { key: Buffer } }> }) => {
          if (res.created) resolve();
          for (const e of res.events) onEvent(e.kv.key.toString());
        });
      });
      stream.on('error', () => undefined);
      stream.write({ create_request: { key: Buffer.from(prefix), range_end: Buffer.from(prefixEnd(prefix)), start_revision: 0, prev_kv: false } });
      return created.then(() => () => stream.cancel());
    },
    close: () => Promise.resolve(c.close()),
  };
}

interface Result {
  subject: string;
  seqWrite: Summary;
  parWrite: Summary;
  read: Summary;
  watch: Summary;
}

async function measure(sub: Subject, run: string): Promise<Result> {
  const p = `/registry/bench-${run}/`;
  const seq = await drive(WRITES, 1, (i) => sub.put(`${p}seq/${i}`));
  const par = await drive(WRITES * 2, 64, (i) => sub.put(`${p}par/${i}`));
  const read = await drive(READS, 64, (i) => sub.get(`${p}par/${(i * 7919) % (WRITES * 2)}`));
  // Watch delivery: from just before the write call until the watcher holds the event.
  const started = new Map<string, number>();
  const delivered: number[] = [];
  let waiting: (() => void) | undefined;
  const stop = await sub.watch(`${p}watch/`, (key) => {
    const t = started.get(key);
    if (t !== undefined) delivered.push(now() - t);
    waiting?.();
  });
  const n = Math.min(WRITES, 1000);
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const key = `${p}watch/${i}`;
    const got = new Promise<void>((resolve) => (waiting = resolve));
    started.set(key, now());
    await sub.put(key);
    await got;
  }
  const watchWall = now() - t0;
  stop();
  return {
    subject: sub.name,
    seqWrite: summarize(seq.latencies, seq.wallMs),
    parWrite: summarize(par.latencies, par.wallMs),
    read: summarize(read.latencies, read.wallMs),
    watch: summarize(delivered, watchWall),
  };
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0] ?? '?';
  } catch {
    return 'not found';
  }
}

async function main(): Promise<void> {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'k8ts-bench-storage-'));
  const run = Date.now().toString(36);
  const etcd = await startEtcd({ dataDir: join(dir, 'etcd'), name: `k8ts-bench-${process.pid}` });
  const sqliteVersion = new Database(':memory:').prepare('select sqlite_version() AS v').get() as { v: string };
  console.log(`k8ts storage benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`);
  console.log(`etcd: ${version('etcd', ['--version'])}; SQLite ${sqliteVersion.v}; data in ${dir}`);
  console.log(`value 1 KiB; ${WRITES} sequential writes, ${WRITES * 2} writes with 64 in flight, ${READS} reads with 64 in flight, ${Math.min(WRITES, 1000)} watched writes\n`);
  const results: Result[] = [];
  try {
    const subjects: Array<() => Subject> = [
      () => storeSubject('sqlite (synchronous=FULL, default)', openSqliteStore({ path: join(dir, 'full.db') })),
      () => storeSubject('sqlite (synchronous=NORMAL)', openSqliteStore({ path: join(dir, 'normal.db'), synchronous: 'NORMAL' })),
      () => storeSubject('etcd store', openEtcdStore({ endpoints: [etcd.endpoint] })),
      () => rawEtcdSubject(etcd.endpoint),
    ];
    for (const make of subjects) {
      const sub = make();
      try {
        results.push(await measure(sub, `${run}-${results.length}`));
      } finally {
        await sub.close();
      }
    }
  } finally {
    await etcd.stop();
    if (!values.dir) rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    table(
      ['subject', 'seq writes/s', 'p50 ms', 'p99 ms', '64-way writes/s', 'p50 ms', 'p99 ms', 'reads/s', 'p50 ms', 'p99 ms', 'watch p50 ms', 'p99 ms'],
      results.map((r) => [
        r.subject,
        r.seqWrite.perSecond, r.seqWrite.p50, r.seqWrite.p99,
        r.parWrite.perSecond, r.parWrite.p50, r.parWrite.p99,
        r.read.perSecond, r.read.p50, r.read.p99,
        r.watch.p50, r.watch.p99,
      ]),
    ),
  );
}

await main();
