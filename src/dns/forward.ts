/**
 * Forwarding names the cluster does not own to the node's upstream resolvers (CoreDNS's
 * `forward . /etc/resolv.conf`): the client's query bytes go out under an ID of ours, over UDP for
 * UDP clients and TCP for TCP ones, to each upstream in turn within one bounded time budget
 * (default 2 s). Undefined comes back when none answered, and the server says SERVFAIL, so a
 * client never waits on a dead upstream longer than that.
 */
import * as dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP, connect } from 'node:net';
import { withId } from './wire.js';

/** One upstream resolver. */
export interface Upstream {
  host: string;
  port: number;
}

/** Parses `IP`, `IP:PORT` or `[IPv6]:PORT`. */
export function parseUpstream(text: string): Upstream {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6?.[1] && isIP(v6[1]) === 6) return { host: v6[1], port: Number(v6[2] ?? 53) };
  if (isIP(text)) return { host: text, port: 53 };
  const m = /^([^:]+):(\d+)$/.exec(text);
  if (m?.[1] && isIP(m[1]) === 4 && Number(m[2]) > 0 && Number(m[2]) < 65536) return { host: m[1], port: Number(m[2]) };
  throw new Error(`not an upstream resolver address (IP, IP:PORT or [IPv6]:PORT): ${text}`);
}

/** The `nameserver` addresses of a resolv.conf text, in order, minus those `exclude` rejects (ourselves). */
export function upstreamsFromResolvConf(text: string, exclude: (u: Upstream) => boolean = () => false): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    // A zone index (fe80::1%eth0) is not something a UDP socket can send to by name here: skip it.
    if (key !== 'nameserver' || !value || !isIP(value) || value.includes('%')) continue;
    const u = { host: value, port: 53 };
    if (!exclude(u)) out.push(u);
  }
  return out;
}

/** Reads the node's resolv.conf; [] when it is missing. */
export function readResolvConf(path = '/etc/resolv.conf', exclude?: (u: Upstream) => boolean): Upstream[] {
  try {
    return upstreamsFromResolvConf(readFileSync(path, 'utf8'), exclude);
  } catch {
    return [];
  }
}

/** Options of a {@link Forwarder}. */
export interface ForwarderOptions {
  upstreams: readonly Upstream[];
  /** Total time a query may take across every upstream (default 2000 ms). */
  timeoutMs?: number;
  /** Forwarded UDP queries in flight at most; beyond it queries fail at once (default 4096). */
  maxPending?: number;
}

interface Pending {
  upstream: Upstream;
  done(reply: Buffer | undefined): void;
}

/** Sends queries upstream; owns its sockets until close(). */
export class Forwarder {
  readonly upstreams: readonly Upstream[];
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  readonly #pending = new Map<number, Pending>();
  readonly #sockets = new Map<4 | 6, dgram.Socket>();
  #closed = false;

  constructor(o: ForwarderOptions) {
    this.upstreams = o.upstreams;
    this.#timeoutMs = o.timeoutMs ?? 2000;
    this.#maxPending = o.maxPending ?? 4096;
  }

  /** Forwards a query (bytes as the client sent them); resolves with the reply under the client's ID, or undefined. */
  async forward(query: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    if (this.#closed || this.upstreams.length === 0 || query.length < 12) return undefined;
    const clientId = query.readUInt16BE(0);
    const perTry = Math.max(100, Math.floor(this.#timeoutMs / this.upstreams.length));
    for (const u of this.upstreams) {
      const reply = transport === 'udp' ? await this.#udp(query, u, perTry) : await tcpExchange(query, u, perTry);
      if (reply) return withId(reply, clientId);
      if (this.#closed) return undefined;
    }
    return undefined;
  }

  /** Fails what is in flight and closes the sockets. */
  close(): void {
    this.#closed = true;
    for (const p of [...this.#pending.values()]) p.done(undefined);
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }

  #socket(family: 4 | 6): dgram.Socket {
    let s = this.#sockets.get(family);
    if (!s) {
      s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      s.on('message', (msg, rinfo) => {
        if (msg.length < 12) return;
        const p = this.#pending.get(msg.readUInt16BE(0));
        // Only the upstream we asked may answer (an off-path reply with a guessed ID is dropped).
        if (p && p.upstream.host === rinfo.address && p.upstream.port === rinfo.port) p.done(msg);
      });
      s.on('error', () => undefined);
      this.#sockets.set(family, s);
    }
    return s;
  }

  #udp(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
    if (this.#pending.size >= this.#maxPending) return Promise.resolve(undefined);
    let id = randomInt(0x10000);
    while (this.#pending.has(id)) id = randomInt(0x10000);
    const out = withId(Buffer.from(query), id);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (reply: Buffer | undefined) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(reply);
      };
      this.#pending.set(id, { upstream, done });
      this.#socket(isIP(upstream.host) === 6 ? 6 : 4).send(out, upstream.port, upstream.host, (err) => {
        if (err) done(undefined);
      });
    });
  }
}

/** One query over a fresh TCP connection (2-byte length framing, RFC 1035 §4.2.2), bounded in time. */
export function tcpExchange(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: upstream.host, port: upstream.port });
    let buf = Buffer.alloc(0);
    const finish = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0))));
    });
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(undefined));
  });
}
