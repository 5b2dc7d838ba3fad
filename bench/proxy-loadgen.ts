/**
 * HTTP load generator for bench/proxy.ts, run inside a lab network namespace
 * (`ip netns exec NS node proxy-loadgen.js ...`). Raw sockets and a minimal response parser, so
 * the client costs little next to the server and the path measured. Stops by itself after the
 * given duration and prints one JSON line: requests, errors, wall time, p50/p99 latency (ms).
 *
 *   node proxy-loadgen.js --target IP:PORT --mode keepalive|fresh --conns K --seconds S
 *
 * keepalive: K connections, each sending GETs back to back. fresh: K workers, each opening one
 * connection per request (so connection set-up, conntrack and NAT are paid every time) and
 * closing it with a reset (no TIME_WAIT, so a run never runs out of ephemeral ports).
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { now, summarize } from './stats.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    mode: { type: 'string', default: 'keepalive' },
    conns: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const [host = '', portText = ''] = (values.target ?? '').split(':');
const PORT = Number(portText);
const CONNS = Number(values.conns);
const DEADLINE = now() + Number(values.seconds) * 1000;
const REQUEST_TIMEOUT_MS = 2000;

const KEEP = Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
const CLOSE = Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

/** One connection; `get()` resolves when a whole response (headers + content-length body) is in. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;
  readonly ready: Promise<void>;

  constructor(readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy(new Error('timeout')));
    this.ready = new Promise((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.parse();
    });
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('closed')));
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  private parse(): void {
    if (!this.waiting) return;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const need = end + 4 + Number(m?.[1] ?? 0);
    if (this.buf.length < need) return;
    this.buf = this.buf.subarray(need);
    const w = this.waiting;
    this.waiting = undefined;
    if (head.startsWith('HTTP/1.1 200')) w.resolve();
    else w.reject(new Error(head.split('\r\n')[0]));
  }

  get(request: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.sock.write(request);
    });
  }
}

/** After a failure: a refused or reset path must not turn the worker into a busy loop. */
const pause = () => new Promise((r) => setTimeout(r, 10));

const open = () => new Conn(connect({ host, port: PORT }));

async function keepAliveWorker(lat: number[]): Promise<number> {
  let errors = 0;
  let conn: Conn | undefined;
  while (now() < DEADLINE) {
    const t = now();
    try {
      if (!conn) {
        conn = open();
        await conn.ready;
      }
      await conn.get(KEEP);
      lat.push(now() - t);
    } catch {
      errors++;
      conn?.sock.destroy();
      conn = undefined;
      await pause();
    }
  }
  conn?.sock.destroy();
  return errors;
}

async function freshWorker(lat: number[]): Promise<number> {
  let errors = 0;
  while (now() < DEADLINE) {
    const t = now();
    const conn = open();
    try {
      await conn.ready;
      await conn.get(CLOSE);
      lat.push(now() - t);
    } catch {
      errors++;
      await pause();
    }
    conn.sock.resetAndDestroy();
  }
  return errors;
}

async function main(): Promise<void> {
  if (!host || !PORT) throw new Error('--target IP:PORT is required');
  const worker = values.mode === 'fresh' ? freshWorker : keepAliveWorker;
  const lat: number[] = [];
  const t0 = now();
  const errors = (await Promise.all(Array.from({ length: CONNS }, () => worker(lat)))).reduce((a, b) => a + b, 0);
  const s = summarize(lat, now() - t0);
  process.stdout.write(JSON.stringify({ requests: s.count, perSecond: s.perSecond, p50: s.p50, p99: s.p99, errors }) + '\n');
}

await main();
